package dev.procdeck.ui;

import dev.procdeck.os.ProcessMetrics;
import dev.procdeck.supervisor.Durations;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import java.time.Instant;

/** One instance ({@code web.2}) in the process table. */
public final class InstanceRow extends DeckRow {
    private final InstanceId id;
    private InstanceSnapshot snapshot;
    double cpuPercent;
    long residentBytes;
    /** The last minutes of CPU (%) and resident memory (bytes), for the sparklines. */
    final Sparkline.History cpuHistory = new Sparkline.History();
    final Sparkline.History memoryHistory = new Sparkline.History();
    /** Its type's memory quota in bytes (procdeck.yml {@code memory:}), 0 for none: a line on the sparkline. */
    long memoryQuota;
    /** Counts samples, so that sparkline cells know when to redraw. */
    final javafx.beans.property.ReadOnlyIntegerWrapper samples = new javafx.beans.property.ReadOnlyIntegerWrapper(this, "samples");
    /** Starts and exits, for the type's timeline. */
    final RunTimeline.Log runs = new RunTimeline.Log();

    InstanceRow(InstanceSnapshot snapshot, int colourIndex) {
        super(colourIndex);
        this.id = snapshot.id();
        name.set(id.name());
        update(snapshot);
    }

    public InstanceId id() {
        return id;
    }

    public InstanceSnapshot snapshot() {
        return snapshot;
    }

    /** http://localhost:PORT for instances of web-like types. */
    public java.util.Optional<String> webAddress() {
        return UrlOpener.webAddress(id.type(), snapshot.port());
    }

    public InstanceState instanceState() {
        return snapshot.state();
    }

    void update(InstanceSnapshot s) {
        snapshot = s;
        runs.record(s);
        state.set(stateLabel(s));
        stateKind.set(kindOf(s.state()));
        detail.set(s.restartToApply() ? s.message() + " \u2014 a reload changed its command, environment or port: restart to apply"
                : s.message());
        pid.set(s.pid() > 0 ? Long.toString(s.pid()) : "");
        ports.set(Integer.toString(s.port()));
        restarts.set(s.restarts());
        lastExit.set(s.lastExit() == null ? "" : s.lastExit().describe());
        if (!s.state().hasProcess()) {
            cpuPercent = 0;
            residentBytes = 0;
            cpu.set("");
            memory.set("");
        }
    }

    /** "restarting · SIGKILL sent", "restart to apply", "starting · waiting for http /health", or the plain state. */
    static String stateLabel(InstanceSnapshot s) {
        if (s.state() == InstanceState.STOPPING && s.stopIntent() != null) {
            String phase = switch (s.stopPhase()) {
                case KILL_SENT -> " \u00b7 SIGKILL sent";
                case SIGNAL_SENT -> " \u00b7 signal sent";
                case NONE -> "";
            };
            return s.stopIntent().label() + phase;
        }
        if (s.restartToApply() && s.state() == InstanceState.UP) {
            return "up \u00b7 restart to apply";
        }
        if (s.state() == InstanceState.STARTING && s.waitingFor() != null && !s.waitingFor().isEmpty()) {
            return "starting \u00b7 waiting for " + s.waitingFor();
        }
        return s.state().label();
    }

    /** Refreshes what depends on the time: uptime and the back-off countdown. */
    void tick(Instant now) {
        InstanceSnapshot s = snapshot;
        uptime.set(s.state().hasProcess() ? Durations.humanize(s.uptime(now)) : "");
        if (s.state() == InstanceState.BACKING_OFF && s.nextRestartAt() != null) {
            state.set("backing off \u00b7 " + Durations.humanize(java.time.Duration.between(now, s.nextRestartAt())));
        }
    }

    void usage(ProcessMetrics.Usage usage) {
        if (usage == null || !snapshot.state().hasProcess()) {
            cpuPercent = 0;
            residentBytes = 0;
            cpu.set("");
            memory.set("");
            return;
        }
        cpuPercent = usage.cpuPercent();
        residentBytes = usage.residentBytes();
        cpuHistory.add(cpuPercent);
        memoryHistory.add(residentBytes);
        samples.set(samples.get() + 1);
        cpu.set(String.format("%.1f %%", usage.cpuPercent()));
        memory.set(bytes(usage.residentBytes()));
    }
}
