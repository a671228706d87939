package dev.procdeck.ui;

import dev.procdeck.supervisor.JobRun;
import dev.procdeck.supervisor.OneOffRuns;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Processes › Run…: runs a line once ({@code run.N}) through the open supervisor's {@link OneOffRuns}. Its output
 * reaches the console on the bus like any instance's; this model keeps the one-line status the status bar shows
 * ("run.2 running: rake db:migrate", then "run.2 exited 0 after 1.2 s"). FX thread only.
 */
public final class OneOffModel {
    private final Executor fx;
    private final Clock clock;
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyBooleanWrapper interactiveAvailable = new ReadOnlyBooleanWrapper(this, "interactiveAvailable");
    private final ReadOnlyBooleanWrapper latestRunning = new ReadOnlyBooleanWrapper(this, "latestRunning");
    private OneOffRuns runs;
    private String latest;

    OneOffModel(Executor fx, Clock clock) {
        this.fx = fx;
        this.clock = clock;
    }

    /** Runs through these one-offs from now on (null: the app shown runs none). FX thread, like all of this. */
    void attach(OneOffRuns newRuns) {
        runs = newRuns;
        if (newRuns != null) {
            interactiveAvailable.set(newRuns.interactiveAvailable());
        }
    }

    /** The latest one-off, in words; empty until something was run. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Whether a run can be given a terminal; the dialog offers "interactive" only then. */
    public ReadOnlyBooleanProperty interactiveAvailableProperty() {
        return interactiveAvailable.getReadOnlyProperty();
    }

    /** True while the latest one-off goes on: the status bar offers to stop it. */
    public ReadOnlyBooleanProperty latestRunningProperty() {
        return latestRunning.getReadOnlyProperty();
    }

    /** Stops the latest one-off gracefully (SIGTERM, then SIGKILL after the timeout); its end is told as usual. */
    public void stopLatest() {
        if (runs != null && latest != null) {
            runs.stop(latest);
        }
    }

    public boolean canRun() {
        return runs != null;
    }

    /** The lines run lately, most recent first, for the dialog to offer again. */
    public List<String> recentCommands() {
        return runs == null ? List.of() : runs.recentCommands();
    }

    /**
     * Starts the line; its end is told on the status (and by the engine, in the console).
     *
     * @return the run's name ({@code run.3})
     * @throws IllegalArgumentException for a blank line, IllegalStateException when nothing is open or the
     *                                  terminal asked for is refused (then "interactive" is no longer offered)
     */
    public String run(String line, boolean interactive) {
        OneOffRuns r = runs;
        if (r == null) {
            throw new IllegalStateException("open a project first: a run uses its folder, .env and process types");
        }
        OneOffRuns.Launch launch;
        try {
            launch = r.run(line, interactive);
        } catch (IllegalStateException refused) {
            if (interactive) {
                interactiveAvailable.set(false);
            }
            throw refused;
        }
        String name = launch.name();
        String shown = dev.procdeck.procfile.Visible.escape(line.strip());
        status.set(name + " running: " + shown);
        latest = name;
        latestRunning.set(true);
        launch.ended().whenComplete((run, error) -> fx.execute(() -> {
            if (runs != r || !name.equals(latest)) {
                return; // another project is open now, or a later run is the one shown
            }
            latestRunning.set(false);
            status.set(ended(name, shown, run, error, clock));
        }));
        return name;
    }

    static String ended(String name, String line, JobRun run, Throwable error, Clock clock) {
        if (run == null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            return name + " (" + line + ") could not run: " + (cause == null ? "unknown error" : cause.getMessage());
        }
        return name + " (" + line + ") " + (run.outcome() == JobRun.Outcome.FAILED_TO_START ? "failed to start"
                : dev.procdeck.supervisor.JobTexts.outcome(run, clock.instant()).replaceFirst("^exit ", "exited "));
    }
}
