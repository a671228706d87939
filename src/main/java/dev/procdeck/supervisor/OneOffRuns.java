package dev.procdeck.supervisor;

import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.Visible;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One-off runs, as {@code heroku run}: a process type's command with arguments appended ({@code web --foo}) or
 * any command line, run once with the app's environment ($PORT a free port, {@code PS=DYNO=run.N}) as
 * {@code run.N} on the log bus ({@code one-off.N} if the Procfile has a type named run), outside the formation. A run can be stopped; a stop-all and closing the
 * supervisor stop the runs still going, so none outlives procdeck. The latest runs (and the lines typed, for
 * "run again") are kept.
 *
 * <p>The public methods may be called from any thread; the runs are carried out on the supervision thread.
 */
public final class OneOffRuns {
    /** Runs kept. */
    public static final int HISTORY_LIMIT = 50;
    /** Distinct command lines kept for "run again". */
    public static final int RECENT_LIMIT = 20;

    /**
     * A one-off that was asked for.
     *
     * @param name  its name on the log bus and in events ({@code run.3})
     * @param ended completes with its last record once it is over (exited, stopped, or failed to start)
     */
    public record Launch(String name, CompletableFuture<JobRun> ended) {
    }

    private final Runs runs;
    private final Supplier<Project> project;
    private final AtomicInteger counter = new AtomicInteger();
    private final JobHistory history = new JobHistory(HISTORY_LIMIT);
    private final List<String> recent = new ArrayList<>(); // guarded by itself
    private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
    private volatile ProcessLauncher terminalLauncher;
    /** Names of the one-offs going on (supervision thread). */
    private final Set<String> live = new HashSet<>();

    OneOffRuns(Runs runs, Supplier<Project> project) {
        this.runs = runs;
        this.project = project;
    }

    public void addListener(JobListener listener) {
        listeners.add(listener);
    }

    public void removeListener(JobListener listener) {
        listeners.remove(listener);
    }

    /**
     * Where interactive runs are launched: a launcher that gives the child a pseudo-terminal (its stdout then
     * carries the terminal's output). Until one is set, {@link #run(String, boolean) interactive runs} are refused.
     */
    public void setTerminalLauncher(ProcessLauncher launcher) {
        this.terminalLauncher = launcher;
    }

    /** True when {@link #run(String, boolean) interactive runs} can be given a terminal (a launcher is set). */
    public boolean interactiveAvailable() {
        return terminalLauncher != null;
    }

    /** {@link #run(String, boolean)} without a terminal. */
    public Launch run(String commandLine) {
        return run(commandLine, false);
    }

    /**
     * Runs a line once. When its first word names a process type, the type's command runs with the rest of the
     * line appended (as {@code heroku run web --foo}) and with the type's procdeck.yml environment; otherwise
     * the line runs as a shell command.
     *
     * @param interactive run it in a terminal (needs {@link #setTerminalLauncher})
     * @throws IllegalArgumentException for a blank line
     * @throws IllegalStateException    for an interactive run without a terminal launcher
     */
    public Launch run(String commandLine, boolean interactive) {
        String line = commandLine == null ? "" : commandLine.strip();
        if (line.isEmpty()) {
            throw new IllegalArgumentException("nothing to run: give a process type (with arguments) or a command");
        }
        ProcessLauncher launcher = null;
        if (interactive) {
            launcher = terminalLauncher;
            if (launcher == null) {
                throw new IllegalStateException("interactive runs need a terminal, which this procdeck cannot give yet;"
                        + " run it without one");
            }
        }
        String name = prefix() + "." + counter.incrementAndGet();
        CompletableFuture<JobRun> ended = new CompletableFuture<>();
        ProcessLauncher chosen = launcher;
        boolean accepted = runs.scheduler().execute(() -> {
            try {
                start(name, line, chosen, ended);
            } catch (RuntimeException e) {
                ended.completeExceptionally(e);
            }
        });
        if (!accepted) {
            ended.completeExceptionally(new IllegalStateException("supervisor is closed"));
        }
        return new Launch(name, ended);
    }

    /** Stops a one-off gracefully (then SIGKILL after the timeout); completes with whether it was running. */
    public CompletableFuture<Boolean> stop(String name) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        boolean accepted = runs.scheduler().execute(() -> done.complete(live.contains(name) && runs.stop(name)));
        if (!accepted) {
            done.complete(false);
        }
        return done;
    }

    /** The latest runs (at most {@link #HISTORY_LIMIT}), most recent first, running ones included. */
    public List<JobRun> history() {
        return history.newestFirst();
    }

    /** The lines run lately, most recent first, each once (at most {@link #RECENT_LIMIT}): for "run again". */
    public List<String> recentCommands() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /**
     * {@code run}, as {@code heroku run} names its dynos, unless the Procfile has a type of that name: then
     * {@code one-off}, so that a one-off's output is never mistaken for an instance's.
     */
    private String prefix() {
        return project.get().procfile().type("run").isPresent() ? "one-off" : "run";
    }

    // ---- supervision thread ------------------------------------------------------------------------------

    private void start(String name, String line, ProcessLauncher launcher, CompletableFuture<JobRun> ended) {
        String[] words = line.split("\\s+", 2);
        Optional<ProcessType> type = project.get().procfile().runnable(words[0]);
        String command = type.map(t -> t.command() + (words.length > 1 ? " " + words[1] : "")).orElse(line);
        synchronized (recent) {
            recent.remove(line);
            recent.add(0, line);
            while (recent.size() > RECENT_LIMIT) {
                recent.remove(recent.size() - 1);
            }
        }
        InstanceId id = InstanceId.parse(name);
        live.add(name);
        runs.start(new Runs.Request(id, name, type.map(ProcessType::name).orElse(null), line,
                line, command, launcher), run -> {
                    history.put(run);
                    if (run.outcome().over()) {
                        live.remove(name);
                    }
                    for (JobListener l : listeners) {
                        try {
                            l.runChanged(run);
                        } catch (RuntimeException e) {
                            // A listener's bug must not keep the run from being recorded as ended.
                            runs.announce(name, "internal error: a job listener failed: " + e);
                        }
                    }
                    if (run.outcome().over()) {
                        ended.complete(run);
                    }
                });
    }
}
