package dev.procdeck.ui;

import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.PosixProcessLauncher;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dashboard model without a window, as the model tests share it: real processes, a real io thread, events
 * carried to a stand-in FX thread ({@link ModelThread}), preferences in a node of their own.
 */
abstract class DashboardModelFixture {
    @TempDir
    Path dir;

    final Preferences prefs = Preferences.userRoot().node("dev/procdeck-test/" + UUID.randomUUID());
    final ExecutorService io = Executors.newSingleThreadExecutor();
    final ModelThread fx = new ModelThread("test-fx");
    final DashboardViewModel model = fx.call(() -> new DashboardViewModel(new Workspace(prefs),
            new PosixProcessLauncher(), io, fx, Clock.systemUTC(), System.getenv(), 1000));

    /** What the application's pulse does: the timer's thread decodes lines, then the FX thread applies them. */
    void pulse() {
        model.preparePulse();
        fx.run(model::pulse);
    }

    @AfterEach
    void closeModel() throws Exception {
        fx.call(model::shutdown).get(20, TimeUnit.SECONDS);
        fx.close();
        io.shutdown();
        prefs.removeNode();
    }
}
