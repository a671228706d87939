package dev.procdeck.supervisor;

import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Procfile;
import dev.procdeck.procfile.Project;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Heroku's release phase: the Procfile's {@code release} type ({@link Procfile#releasePhase()}) runs once, as
 * {@code release.1} with the app's environment ({@code PS=DYNO=release.1}), before the formation starts and before
 * a reload that changes commands. Its output goes to the console like any run's; a non-zero exit means nothing is
 * started. It goes through the same machinery as scheduled jobs and one-offs ({@link Runs}), so it is stopped with
 * a stop-all and never outlives procdeck.
 *
 * <p>{@link #run} may be called from any thread; a second call while the phase runs gets the same outcome.
 */
public final class ReleasePhase {
    static final InstanceId ID = new InstanceId(Procfile.RELEASE, 1);

    /**
     * How a release phase ended.
     *
     * @param succeeded true when there is nothing to run or it exited 0
     * @param exitCode  its exit code (128+N when killed by signal N), 0 when it succeeded, 1 when it never ran
     * @param message   in words: "release phase failed: release.1 exited 3 after 12 ms; nothing was started"
     */
    public record Outcome(boolean succeeded, int exitCode, String message) {
        static final Outcome NONE = new Outcome(true, 0, "no release phase");
    }

    private final Runs runs;
    private final Supplier<Project> project;
    /** The phase going on, if any (supervision thread). */
    private CompletableFuture<Outcome> current;

    ReleasePhase(Runs runs, Supplier<Project> project) {
        this.runs = runs;
        this.project = project;
    }

    /** True when the project has a release phase. */
    public boolean present() {
        return project.get().procfile().releasePhase().isPresent();
    }

    /** Runs the release phase of the current project; completes at once when it has none. */
    public CompletableFuture<Outcome> run() {
        return run(project.get());
    }

    /** Runs {@code of}'s release command (a reload runs the new one before adopting it). */
    public CompletableFuture<Outcome> run(Project of) {
        Optional<ProcessType> release = of.procfile().releasePhase();
        if (release.isEmpty()) {
            return CompletableFuture.completedFuture(Outcome.NONE);
        }
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        boolean accepted = runs.scheduler().execute(() -> {
            if (current != null) {
                current.whenComplete((o, e) -> done.complete(o));
                return;
            }
            current = done;
            done.whenComplete((o, e) -> current = null);
            try {
                runs.start(new Runs.Request(ID, ID.name(), Procfile.RELEASE, "release phase", "release phase",
                        release.get().command(), null), run -> {
                            if (run.outcome().over()) {
                                done.complete(outcome(run));
                            }
                        });
            } catch (RuntimeException e) {
                done.complete(new Outcome(false, 1, "release phase failed: " + e.getMessage()
                        + "; nothing was started"));
            }
        });
        if (!accepted) {
            done.complete(new Outcome(false, 1, "release phase not run: procdeck is closing"));
        }
        return done;
    }

    private static Outcome outcome(JobRun run) {
        if (run.succeeded()) {
            return new Outcome(true, 0, "release phase done: " + run.name() + " " + run.message());
        }
        int code = run.exit() != null && run.exit().code() != 0 ? run.exit().code() : 1;
        return new Outcome(false, code, "release phase failed: " + run.name() + " " + run.message()
                + "; nothing was started");
    }

    /**
     * True when a reload from {@code before} to {@code after} changes what some type would run (a command changed,
     * a type came or went, the release command itself changed): Heroku runs the release phase before such a
     * release, and so does a reload while the formation runs.
     */
    public static boolean commandsChanged(Project before, Project after) {
        return !commands(before).equals(commands(after));
    }

    private static Map<String, String> commands(Project p) {
        Map<String, String> commands = new LinkedHashMap<>();
        p.procfile().types().forEach(t -> commands.put(t.name(), t.command()));
        p.procfile().releasePhase().ifPresent(t -> commands.put(t.name(), t.command()));
        return commands;
    }
}
