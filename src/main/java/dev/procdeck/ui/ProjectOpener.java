package dev.procdeck.ui;

import dev.procdeck.procfile.ParseProblem;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectFileException;
import dev.procdeck.procfile.ProjectLoader;
import dev.procdeck.runtime.ControlClient;
import dev.procdeck.runtime.LocalApp;
import dev.procdeck.runtime.ProjectWatcher;
import dev.procdeck.runtime.Session;
import dev.procdeck.supervisor.SupervisorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Opens and reloads projects: all file work (Procfile, .env, preferences, the session folder, the watcher) on
 * the {@code io} executor. Each open starts a new GENERATION at once, on the caller's thread; whatever belongs to
 * an older one (its load, a reload queued before, a file-change signal, its supervisor's events) is stale and
 * must be dropped by whoever receives it: {@link #isCurrent}. A stale load that opened a session is closed by
 * {@link #discard}.
 */
final class ProjectOpener {
    /** The outcome of reading a project's files, for one generation. */
    record Loaded(long generation, Path folder, boolean fresh, Project project, List<ParseProblem> problems,
                  ProjectPreferences.Remembered remembered, Session session, List<String> notes,
                  ControlClient.Target otherProcdeck) {
        /** Without a procdeck found running the project. */
        Loaded(long generation, Path folder, boolean fresh, Project project, List<ParseProblem> problems,
               ProjectPreferences.Remembered remembered, Session session, List<String> notes) {
            this(generation, folder, fresh, project, problems, remembered, session, notes, null);
        }

        boolean ok() {
            return project != null;
        }

        List<ParseProblem> errors() {
            return problems.stream().filter(ParseProblem::isError).toList();
        }
    }

    /** The files whose edit reloads the project: procdeck.yml carries per-type settings and the formation. */
    static final Set<String> WATCHED_FILES = Set.of("Procfile", ".env", "procdeck.yml");

    private final Executor io;
    private final ProjectPreferences preferences;
    private final Map<String, String> parentEnv;
    private final AtomicLong generation = new AtomicLong();
    private ProjectWatcher watcher; // io executor only

    ProjectOpener(Executor io, ProjectPreferences preferences, Map<String, String> parentEnv) {
        this.io = io;
        this.preferences = preferences;
        this.parentEnv = Map.copyOf(parentEnv);
    }

    long current() {
        return generation.get();
    }

    boolean isCurrent(long g) {
        return generation.get() == g;
    }

    /** Ends the current generation without opening anything (shutting down). */
    long invalidate() {
        return generation.incrementAndGet();
    }

    /**
     * Opens a folder (or a Procfile's folder) as a new generation. On the io executor, first {@code beforeLoad}
     * (closing the previous project), then the files. {@code onFilesChanged} hears of edits to the Procfile,
     * .env or procdeck.yml with the generation they belong to.
     */
    CompletableFuture<Loaded> open(Path folderOrProcfile, Runnable beforeLoad, LongConsumer onFilesChanged) {
        long g = generation.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> {
            Path folder = Files.isRegularFile(folderOrProcfile)
                    ? folderOrProcfile.toAbsolutePath().getParent() : folderOrProcfile.toAbsolutePath().normalize();
            stopWatching();
            beforeLoad.run();
            Loaded loaded = load(g, folder, true, true);
            if (isCurrent(g)) {
                watch(folder, () -> onFilesChanged.accept(g));
            }
            return loaded;
        }, io);
    }

    /**
     * Re-reads the files of {@code folder} for generation {@code g}; a session is opened only if
     * {@code openSession} (nothing runs yet). Skips the work when {@code g} is stale by the time it runs.
     */
    CompletableFuture<Loaded> reload(long g, Path folder, boolean openSession) {
        return CompletableFuture.supplyAsync(() -> isCurrent(g) ? load(g, folder, false, openSession)
                : new Loaded(g, folder, false, null, List.of(), ProjectPreferences.Remembered.NOTHING, null, List.of()), io);
    }

    /** A load that arrived for a stale generation: its session (if any) is closed on the io executor. */
    void discard(Loaded stale) {
        if (stale.session() != null) {
            io.execute(stale.session()::close);
        }
    }

    private Loaded load(long g, Path folder, boolean fresh, boolean openSession) {
        ProjectPreferences.Remembered remembered = preferences.read(folder);
        Project p;
        try {
            p = ProjectLoader.load(folder, null, List.of(), parentEnv);
        } catch (ProjectFileException e) {
            return new Loaded(g, folder, fresh, null, e.problems(), remembered, null, List.of());
        }
        preferences.rememberOpened(folder); // only a folder that opened goes to Open Recent
        List<String> notes = new ArrayList<>();
        Session opened = null;
        ControlClient.Target other = openSession ? otherProcdeck(p.root()) : null;
        if (openSession && other == null) {
            try {
                opened = LocalApp.openSession(p.root(), SupervisorSettings.defaults(0).stopTimeout(), notes::add);
            } catch (dev.procdeck.runtime.StateFolder.AlreadyRunning e) {
                // It holds the run lock but did not answer (stopped with Ctrl-Z, busy, or just starting): shown
                // read-only as any other procdeck's project, never a second formation.
                other = ControlClient.lockHolder(p.root(), e.pid(), parentEnv);
            }
        }
        return new Loaded(g, folder, fresh, p, warningsOf(p), remembered, opened, List.copyOf(notes), other);
    }

    /**
     * The procdeck ({@code procdeck start}, or another dashboard with a control socket) already running this
     * project, found as {@code procdeck ps} finds it; null if none answers. A second formation would fight it
     * over the ports, and stopping "leftover" groups would stop its processes.
     */
    private ControlClient.Target otherProcdeck(Path root) {
        try {
            return ControlClient.locate(root, root, null, parentEnv);
        } catch (java.io.IOException | RuntimeException e) {
            return null; // NotRunningException: nobody answers (a stale socket included)
        }
    }

    /** The Procfile's warnings, then procdeck.yml's (unknown keys and the like): one banner for both files. */
    static List<ParseProblem> warningsOf(Project p) {
        List<ParseProblem> all = new ArrayList<>(p.procfile().warnings());
        all.addAll(p.config().warnings());
        return List.copyOf(all);
    }

    /** On the io executor. */
    void stopWatching() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }

    private void watch(Path folder, Runnable onChange) {
        try {
            watcher = new ProjectWatcher(folder, WATCHED_FILES, onChange);
        } catch (java.io.IOException | RuntimeException e) {
            // Without a watcher the Reload action still works.
        }
    }
}
