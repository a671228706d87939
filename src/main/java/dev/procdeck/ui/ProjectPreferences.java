package dev.procdeck.ui;

import dev.procdeck.runtime.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What the dashboard remembers, per project (formation, start when opened) and overall (recent folders,
 * crash notifications). Reads and writes go through the {@code io} executor: the preferences store is a file.
 * A broken store never keeps a project from opening: its failures read as "nothing remembered".
 */
final class ProjectPreferences {
    /** What is remembered about one project. */
    record Remembered(Optional<String> formation, boolean startOnOpen) {
        static final Remembered NOTHING = new Remembered(Optional.empty(), false);
    }

    private final Workspace workspace;
    private final Executor io;

    ProjectPreferences(Workspace workspace, Executor io) {
        this.workspace = workspace;
        this.io = io;
    }

    /** On the io executor (the caller is already there): the project's settings. */
    Remembered read(Path folder) {
        try {
            return new Remembered(workspace.formation(folder),
                    workspace.startOnOpen(folder) || Boolean.getBoolean("procdeck.startOnOpen"));
        } catch (RuntimeException e) {
            return Remembered.NOTHING;
        }
    }

    /** On the io executor: only a project that opened is worth offering again. */
    void rememberOpened(Path folder) {
        try {
            workspace.rememberProject(folder);
        } catch (RuntimeException e) {
            // a convenience only
        }
    }

    void saveFormation(Path folder, String formation) {
        io.execute(() -> quietly(() -> workspace.saveFormation(folder, formation)));
    }

    void setStartOnOpen(Path folder, boolean on) {
        io.execute(() -> quietly(() -> workspace.setStartOnOpen(folder, on)));
    }

    void setCrashNotifications(boolean on) {
        io.execute(() -> quietly(() -> workspace.setCrashNotifications(on)));
    }

    private static final String RESTART_KEY = "restart.";

    /** On the io executor: the restart policy chosen in the dashboard for a type, if any (and still valid). */
    Optional<dev.procdeck.procfile.RestartMode> restartMode(Path folder, String type) {
        try {
            return workspace.projectSetting(folder, RESTART_KEY + type).map(dev.procdeck.procfile.RestartMode::parse);
        } catch (RuntimeException e) {
            return Optional.empty(); // a hand-edited or older preference: procdeck.yml's or the default policy
        }
    }

    void saveRestartMode(Path folder, String type, dev.procdeck.procfile.RestartMode mode) {
        io.execute(() -> quietly(() -> workspace.putProjectSetting(folder, RESTART_KEY + type, mode.spelling())));
    }

    /** Recent folders that still exist (temporary checkouts go away), and the notification switch. */
    CompletableFuture<Global> readGlobal() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new Global(workspace.recentProjects().stream().filter(Files::isDirectory).toList(),
                        workspace.crashNotifications());
            } catch (RuntimeException e) {
                return new Global(List.of(), true);
            }
        }, io);
    }

    record Global(List<Path> recent, boolean crashNotifications) {
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            // Settings are a convenience; a broken store must not break the dashboard.
        }
    }
}
