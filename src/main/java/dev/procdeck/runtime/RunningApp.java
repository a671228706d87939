package dev.procdeck.runtime;

import dev.procdeck.os.ProcessMetrics;
import dev.procdeck.procfile.Procfile;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.RestartMode;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceTerminal;
import dev.procdeck.supervisor.JobRun;
import dev.procdeck.supervisor.JobStatus;
import dev.procdeck.supervisor.OneOffRuns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One app as a window drives it, whoever runs it: {@link LocalApp} (this procdeck's own supervisor and session),
 * {@link AttachedApp} (a procdeck that runs elsewhere, through its control socket) or {@link ElsewhereApp} (a
 * project another procdeck runs, shown without rows until the window attaches). As process-compose's IProject
 * serves its runner and its remote client alike, the dashboard talks to one of these and never asks which:
 * what only some of them can do is in {@link #capabilities()}.
 *
 * <p>Threads: commands, {@link #drainTo} and the accessors are called on one thread (the dashboard's FX thread)
 * and never block; {@link #close()} and {@link #stopForExit} may be called from any thread, also together.
 */
public interface RunningApp {
    /** What an app can do beyond showing itself. Commands it cannot do are ignored. */
    enum Capability {
        /** Start, stop, restart and scale act on its processes, and its instances are shown as rows. */
        DRIVE,
        /** Its processes are children of this procdeck: closing stops them, their CPU and memory are read here. */
        OWNS_PROCESSES,
        /** Its files are read here: Reload re-reads the Procfile, .env and procdeck.yml, Export… writes them out. */
        PROJECT_FILES,
        /** Settings kept per project here: restart policies, the saved formation, start when opened. */
        PROJECT_SETTINGS,
        /** The environment an instance was started with can be shown (the project's .env and procdeck.yml). */
        ENVIRONMENT,
        /** Processes › Run…: one-off runs in the project's folder. */
        RUN_ONE_OFF
    }

    /** Told what changed since the last {@link #drainTo}, in order, on the caller's thread. */
    interface Updates {
        /** The process types changed (only an app that does not read its files here tells this). */
        default void typesChanged(Procfile types) {
        }

        void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition);

        void instanceRemoved(InstanceId id);

        void scaleChanged(String type, int count);

        /** CPU and memory measured by the app itself, by instance name (an app that does not own its processes). */
        default void usage(Map<String, ProcessMetrics.Usage> byInstance) {
        }

        /** Scheduled types' news; {@code complete}: these are all of them, forget any other. */
        default void jobs(List<JobStatus> statuses, boolean complete) {
        }

        /** The app is gone (a procdeck attached to stopped); told once, with the reason for the user. */
        default void ended(String why) {
        }
    }

    Set<Capability> capabilities();

    default boolean can(Capability c) {
        return capabilities().contains(c);
    }

    /** Hands what happened since the last call to {@code updates}; true if anything was told. Never blocks. */
    boolean drainTo(Updates updates);

    /** The project as its files read here ({@link Capability#PROJECT_FILES}), else empty. */
    default Optional<Project> project() {
        return Optional.empty();
    }

    /**
     * The environment an instance's current run was started with, where this app started it; empty otherwise
     * (an instance not running, or run by another procdeck).
     */
    default Optional<java.util.Map<String, String>> launchEnvironment(dev.procdeck.supervisor.InstanceId id) {
        return Optional.empty();
    }

    /**
     * Adopts the project's re-read files ({@link Capability#PROJECT_FILES}): instances of types that stay keep
     * running; a type the files added gets one instance (Foreman's all=1: Start all starts it). Returns the
     * added types.
     */
    default Set<String> reload(Project next) {
        return Set.of();
    }

    /** A line of the window's own about this app, in its console among the app's lines. */
    default void note(String text) {
    }

    /**
     * Changes how many instances of a type run (clamped to what a formation allows).
     *
     * @throws IllegalArgumentException when refused before anything starts (ports past 65535, say)
     */
    void scale(String type, int count);

    /** The control socket through which this app is driven: the one it serves, or the one attached to. */
    /**
     * What the router in front of the routed type did over the last {@code seconds} (requests per second, p50 and
     * p99 latency, errors; for the type and each instance) and its URL; empty without a router.
     */
    default Optional<dev.procdeck.router.Router.Figures> routerFigures(int seconds) {
        return Optional.empty();
    }

    default Optional<Path> controlSocket() {
        return Optional.empty();
    }

    /** Instances of a type the app runs now: where a refused {@link #scale} puts the row back. */
    default int scaleOf(String type) {
        return 0;
    }

    /**
     * {@code start}, {@code stop} or {@code restart} of one type or instance by name ({@code web}, {@code web.2}),
     * or (null) of everything.
     */
    void act(Action action, String target);

    /** What {@link #act} does. */
    enum Action {
        START, STOP, RESTART;

        /** The control protocol's word for it. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Runs a scheduled type now. */
    void runJob(String type);

    /** The latest runs of a scheduled type, most recent first. */
    List<JobRun> jobHistory(String type);

    /** The terminal of a {@code tty: true} instance running the process {@code pid}, while it has one. */
    Optional<InstanceTerminal> terminal(InstanceId id, long pid);

    /** One-off runs ({@link Capability#RUN_ONE_OFF}). */
    default Optional<OneOffRuns> oneOffs() {
        return Optional.empty();
    }

    /** The restart policy a type follows now. */
    default RestartMode restartMode(String type) {
        return RestartMode.ALWAYS;
    }

    /** Changes a type's restart policy now ({@link Capability#PROJECT_SETTINGS}). */
    default void setRestartMode(String type, RestartMode mode) {
    }

    /** How long a stop waits after SIGTERM before SIGKILL. */
    Duration stopTimeout();

    /** SIGKILL to every process this app owns, at once; nothing for one it does not own. */
    default void killAll() {
    }

    /**
     * Stops gracefully what this app owns and lets go of it (an attached app only hangs up); completes when
     * nothing runs. Blocking work runs off the caller's thread. Idempotent.
     */
    CompletableFuture<Void> close();

    /**
     * The JVM is going away (SIGTERM, SIGINT): returns within about {@code budget}, whatever the processes do.
     * Every process is asked to stop at once; what has not ended by then is left to the session's watchdog,
     * which sends SIGKILL after the stop timeout. Any thread.
     */
    void stopForExit(Duration budget);
}
