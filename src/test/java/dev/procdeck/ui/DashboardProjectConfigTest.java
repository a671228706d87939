package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.procfile.RestartMode;
import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** procdeck.yml in the dashboard: an edit reloads it (no Reload pressed), and its problems share the banner. */
class DashboardProjectConfigTest {
    @TempDir
    Path dir;

    private final Preferences prefs = Preferences.userRoot().node("dev/procdeck-test/" + UUID.randomUUID());
    private final ExecutorService io = Executors.newSingleThreadExecutor();
    private final ModelThread fx = new ModelThread("test-fx");
    private final DashboardViewModel model = fx.call(() -> new DashboardViewModel(new Workspace(prefs),
            new PosixProcessLauncher(), io, fx, Clock.systemUTC(), System.getenv(), 1000));

    @AfterEach
    void tearDown() throws Exception {
        fx.call(model::shutdown).get(20, TimeUnit.SECONDS);
        fx.close();
        io.shutdown();
        prefs.removeNode();
    }

    @Test
    void editingProcdeckYmlReloadsItsPerTypeSettingsAndShowsItsProblemsInTheBanner() throws Exception {
        Path p = Files.createDirectories(dir.resolve("app"));
        Files.writeString(p.resolve("Procfile"), "web: exec sleep 1000\n");
        Path yml = p.resolve("procdeck.yml");
        Files.writeString(yml, "types:\n  web:\n    restart: never\n");
        fx.call(() -> model.openProject(p)).get(20, TimeUnit.SECONDS);
        assertThat(fx.call(() -> model.restartMode("web"))).isEqualTo(RestartMode.NEVER);
        assertThat(fx.call(() -> model.problemsProperty().get())).isEmpty();

        // Saved in an editor: the watcher reloads, and the supervisor follows the new per-type setting.
        Files.writeString(yml, "types:\n  web:\n    restart: on-failure\n    restrat: x\n");
        Await.until(Duration.ofSeconds(15), () -> fx.call(() -> model.restartMode("web")) == RestartMode.ON_FAILURE,
                "the edited restart policy applied");
        Await.until(Duration.ofSeconds(15), () -> fx.call(() -> model.problemsProperty().get())
                .matches("(?s).*procdeck\\.yml:4:\\d+: warning: .*restrat.*"), () -> "the unknown key warned: "
                + fx.call(() -> model.problemsProperty().get()));

        // A broken procdeck.yml is an error with its line and column; what runs keeps its settings.
        Files.writeString(yml, "types:\n  web:\n    restart: sometimes\n");
        Await.until(Duration.ofSeconds(15), () -> fx.call(() -> model.problemsProperty().get())
                .matches("(?s).*procdeck\\.yml:3:\\d+: error: .*"), () -> "the error shown: "
                + fx.call(() -> model.problemsProperty().get()));
        assertThat(fx.call(() -> model.restartMode("web"))).isEqualTo(RestartMode.ON_FAILURE);
    }
}
