package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogBus;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectLoader;
import dev.procdeck.runtime.ControlServer;
import dev.procdeck.runtime.StateFolder;
import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.SupervisorSettings;
import dev.procdeck.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a project another procdeck already runs (a real control server answering in its state folder): the
 * dashboard says so and starts and scales nothing; once that procdeck is gone, the folder opens as usual.
 */
class SecondProcdeckTest {
    @TempDir
    Path dir;

    private final Preferences prefs = Preferences.userRoot().node("dev/procdeck-test/" + UUID.randomUUID());
    private final ExecutorService io = Executors.newSingleThreadExecutor();
    private final ModelThread fx = new ModelThread("test-fx");
    private final DashboardViewModel model = fx.call(() -> new DashboardViewModel(new Workspace(prefs),
            new PosixProcessLauncher(), io, fx, Clock.systemUTC(), System.getenv(), 1000));
    private Supervisor other;
    private ControlServer server;

    @AfterEach
    void tearDown() throws Exception {
        fx.call(model::shutdown).get(20, TimeUnit.SECONDS);
        fx.close();
        io.shutdown();
        if (server != null) {
            server.close();
        }
        if (other != null) {
            other.close();
        }
        prefs.removeNode();
    }

    private void pulseUntil(String what, java.util.function.BooleanSupplier condition) {
        Await.until(Duration.ofSeconds(15), () -> fx.call(() -> {
            model.pulse();
            return condition.getAsBoolean();
        }), what);
    }

    private List<InstanceState> webStates() {
        return model.types().stream().filter(t -> t.typeName().equals("web")).findFirst()
                .map(t -> t.instances().stream().map(InstanceRow::instanceState).toList()).orElse(List.of());
    }

    @Test
    void aProjectAnotherProcdeckRunsOpensReadOnlyWithABannerAndNormallyOnceItIsGone() throws Exception {
        Path p = Files.createDirectories(dir.resolve("app"));
        Files.writeString(p.resolve("Procfile"), "web: exec sleep 1000\n");
        Project project = ProjectLoader.load(p, null, List.of(), Map.of());
        other = new Supervisor(project, SupervisorSettings.defaults(5000), new PosixProcessLauncher(),
                new LogBus(Clock.systemUTC()), Clock.systemUTC(), Map.of());
        StateFolder state = StateFolder.of(p.toRealPath(), System.getenv());
        state.prepare();
        server = ControlServer.start(state, null, other, m -> { });

        fx.call(() -> model.openProject(p)).get(20, TimeUnit.SECONDS);
        assertThat(fx.call(() -> model.readOnlyProperty().get())).isTrue();
        assertThat(fx.call(() -> model.problemsProperty().get())).startsWith(
                "procdeck (pid " + ProcessHandle.current().pid() + ") already runs this project \u2014 drive it with"
                        + " `procdeck ps`, or stop it first");
        fx.run(model::startAll);
        fx.run(() -> model.scale("web", 3));
        pulseUntil("the web row", () -> webStates().size() == 1);
        assertThat(fx.call(() -> model.formationProperty().get())).isEqualTo("web=1");
        assertThat(fx.call(() -> model.types().get(0).scaleProperty().get())).isEqualTo(1);
        assertThat(fx.call(this::webStates)).containsExactly(InstanceState.STOPPED);

        // That procdeck stops: opening the folder again gives the usual, writable dashboard.
        server.close();
        server = null;
        fx.call(() -> model.openProject(p)).get(20, TimeUnit.SECONDS);
        assertThat(fx.call(() -> model.readOnlyProperty().get())).isFalse();
        assertThat(fx.call(() -> model.problemsProperty().get())).isEmpty();
        fx.run(model::startAll);
        pulseUntil("web up", () -> webStates().equals(List.of(InstanceState.UP)));
    }
}
