package dev.procdeck.ui;

import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import dev.procdeck.ui.DashboardViewModel.CrashNotice;

/**
 * Decides which crashes are worth a notification (an instance that was up died with a failure; at most one
 * per instance per {@link #QUIET}), and which notices are still current: a notice goes once its instance is
 * stopped or gone, and all go on Stop all or when another project opens. FX thread only.
 */
final class CrashNotifier {
    static final Duration QUIET = Duration.ofSeconds(30);
    /** The console's time of day, without its milliseconds. */
    static final java.time.format.DateTimeFormatter CLOCK = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Clock clock;
    private final BooleanSupplier enabled;
    private final Map<String, Instant> lastNotice = new HashMap<>();
    private final ObservableList<CrashNotice> current = FXCollections.observableArrayList();

    CrashNotifier(Clock clock, BooleanSupplier enabled) {
        this.clock = clock;
        this.enabled = enabled;
    }

    /** The crashes being told about now; the view shows them and hides what leaves this list. */
    ObservableList<CrashNotice> current() {
        return current;
    }

    void onChange(InstanceSnapshot s, InstanceLifecycle.Transition t) {
        // Stopped on purpose: the crash is over. (Up again after a back-off is not: a flapping process keeps it.)
        if (s.state() == InstanceState.STOPPED || s.state() == InstanceState.STOPPING) {
            current.removeIf(n -> n.instance().equals(s.name()));
        }
        if (t == null || t.from() != InstanceState.UP || s.lastExit() == null || s.lastExit().success()
                || !(t.to() == InstanceState.BACKING_OFF || t.to() == InstanceState.CRASHED)) {
            return;
        }
        Instant now = clock.instant();
        Instant last = lastNotice.get(s.name());
        if (!enabled.getAsBoolean() || (last != null && Duration.between(last, now).compareTo(QUIET) < 0)) {
            return;
        }
        lastNotice.put(s.name(), now);
        current.removeIf(n -> n.instance().equals(s.name()));
        current.add(new CrashNotice(s.name(), text(t)));
    }

    /**
     * The console's line for the crash, with the console's time: both come from the one transition (the engine
     * stamps its event line with the transition's moment), so the notice and the console agree on when it crashed
     * and when it restarts ("restarting in 2 s" counts from that time, not from when the notice is read).
     */
    private String text(InstanceLifecycle.Transition t) {
        return CLOCK.format(t.at().atZone(java.time.ZoneId.systemDefault())) + " " + t.description(); // the console's zone
    }

    void instanceGone(String name) {
        current.removeIf(n -> n.instance().equals(name));
    }

    /** Stop all, another project, or notifications turned off: nothing is worth telling any more. */
    void clear() {
        current.clear();
    }

    void forgetHistory() {
        lastNotice.clear();
        current.clear();
    }
}
