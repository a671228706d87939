package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.procfile.RestartMode;
import dev.procdeck.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** procdeck.yml in the dashboard: an edit reloads it (no Reload pressed), and its problems share the banner. */
class DashboardProjectConfigTest extends DashboardModelFixture {
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
