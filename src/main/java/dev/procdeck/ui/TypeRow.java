package dev.procdeck.ui;

import dev.procdeck.procfile.ProcessType;
import dev.procdeck.supervisor.Durations;
import dev.procdeck.supervisor.InstanceState;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** A process type in the process table: its scale and a summary of its instances. */
public final class TypeRow extends DeckRow {
    private final ReadOnlyStringWrapper command = new ReadOnlyStringWrapper(this, "command", "");
    /** The scale the user wants; the view model forwards changes to the supervisor. */
    private final IntegerProperty scale = new SimpleIntegerProperty(this, "scale", 0);
    private final ObservableList<InstanceRow> instances = FXCollections.observableArrayList();
    /** The router's address when this is the type it routes to ("http://localhost:5000"), else empty. */
    private final ReadOnlyStringWrapper routerUrl = new ReadOnlyStringWrapper(this, "routerUrl", "");

    TypeRow(ProcessType type) {
        this(type, type.index());
    }

    /** @param colourIndex the type's colour, by its Procfile position (see {@link TypeColours}) */
    TypeRow(ProcessType type, int colourIndex) {
        super(colourIndex);
        name.set(type.name());
        command.set(type.command());
    }

    /** For a scheduled type: its schedule's state and badge kind, shown while it has no instances; else null. */
    private String jobState;
    private String jobKind;

    /**
     * Shows a scheduled type's state ("next 13:20:00", "running") and its last run in the Last exit column; a null
     * state ends that (the type is no longer scheduled), and the next summary says how its instances stand.
     */
    void showJob(String stateText, String kind, String lastRun) {
        jobState = stateText;
        jobKind = kind;
        if (instances.isEmpty() && stateText != null) {
            state.set(stateText);
            stateKind.set(kind);
        }
        lastExit.set(lastRun);
    }

    public String typeName() {
        return name.get();
    }

    public ReadOnlyStringProperty commandProperty() {
        return command.getReadOnlyProperty();
    }

    void setCommand(String c) {
        command.set(c);
    }

    public IntegerProperty scaleProperty() {
        return scale;
    }

    public ReadOnlyStringProperty routerUrlProperty() {
        return routerUrl.getReadOnlyProperty();
    }

    void setRouterUrl(String url) {
        routerUrl.set(url);
    }

    public ObservableList<InstanceRow> instances() {
        return instances;
    }

    /**
     * What the type's starting instances wait for: " · waiting for http /health" when they all wait for the same
     * thing, else the distinct things joined (an instance that waits for nothing adds nothing).
     */
    private String waitingSummary() {
        java.util.Set<String> waits = new java.util.LinkedHashSet<>();
        for (InstanceRow row : instances) {
            String what = row.snapshot().waitingFor();
            if (row.instanceState() == InstanceState.STARTING && what != null && !what.isEmpty()) {
                waits.add(what);
            }
        }
        return waits.isEmpty() ? "" : " \u00b7 waiting for " + String.join(", ", waits);
    }

    /** Recomputes the summary ("2/2 up", "1 up, 1 crashed, retry in 4 s") from the instances. */
    void summarize(Instant now) {
        int total = instances.size();
        Map<InstanceState, Integer> counts = new EnumMap<>(InstanceState.class);
        Instant nextRetry = null;
        int restartSum = 0;
        for (InstanceRow row : instances) {
            counts.merge(row.instanceState(), 1, Integer::sum);
            restartSum += row.restartsProperty().get();
            Instant at = row.snapshot().nextRestartAt();
            if (row.instanceState() == InstanceState.BACKING_OFF && at != null && (nextRetry == null || at.isBefore(nextRetry))) {
                nextRetry = at;
            }
        }
        restarts.set(restartSum);
        int up = counts.getOrDefault(InstanceState.UP, 0);
        String text;
        if (total == 0) {
            text = "scaled to 0";
            stateKind.set("stopped");
        } else if (up == total) {
            text = up + "/" + total + " up";
            stateKind.set("up");
        } else if (counts.size() == 1) {
            InstanceState only = counts.keySet().iterator().next();
            text = (total > 1 ? total + " " : "") + only.label();
            stateKind.set(kindOf(only));
        } else {
            text = counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().label())
                    .collect(Collectors.joining(", "));
            stateKind.set(counts.containsKey(InstanceState.CRASHED) || counts.containsKey(InstanceState.BACKING_OFF)
                    || counts.containsKey(InstanceState.FAILED) ? "crashed" : "mixed");
        }
        if (nextRetry != null) {
            text += " \u00b7 " + Durations.humanize(Duration.between(now, nextRetry)); // "1 backing off · 4 s"
            if (up < total) {
                stateKind.set("backoff");
            }
        }
        if (jobState != null && total == 0) {
            text = jobState; // a scheduled type has runs, not instances: its badge says how its schedule stands
            stateKind.set(jobKind);
        }
        state.set(text + waitingSummary());
        ports.set(instances.isEmpty() ? "" : instances.size() == 1 ? instances.get(0).portsProperty().get()
                : instances.get(0).portsProperty().get() + "–" + instances.get(instances.size() - 1).portsProperty().get());
        pid.set("");
        long running = instances.stream().filter(r -> r.instanceState().hasProcess()).count();
        detail.set(running + " of " + total + " running");
    }

    void aggregateUsage() {
        double cpuSum = 0;
        long memSum = 0;
        boolean any = false;
        for (InstanceRow row : instances) {
            if (row.instanceState().hasProcess()) {
                any = true;
                cpuSum += row.cpuPercent;
                memSum += row.residentBytes;
            }
        }
        cpu.set(any ? String.format("%.1f %%", cpuSum) : "");
        memory.set(any ? bytes(memSum) : "");
    }
}
