package dev.procdeck.ui;

import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.testing.Await;
import dev.procdeck.testing.ProcessProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.prefs.Preferences;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.fxmisc.richtext.InlineCssTextArea;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.junit.jupiter.api.BeforeEach;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The real dashboard in a headless (Monocle) window over real processes, as the TestFX tests use it: a project
 * folder whose .env marks every child with a probe, isolated preferences, the pulse running. After each test the
 * window's project is shut down and no marked process may be left.
 */
@ExtendWith(ApplicationExtension.class)
abstract class DashboardFxFixture {
    static final Duration WAIT = Duration.ofSeconds(15);

    final ProcessProbe probe = new ProcessProbe();
    Path dir;
    Preferences prefs;
    ExecutorService io;
    DashboardViewModel model;
    DashboardView view;
    AutoCloseable pulse;
    private Map<String, String> env;

    /** The window's size. */
    double width() {
        return 1024;
    }

    /** More lines for the project's .env (after the probe's). */
    String dotEnv() {
        return "";
    }

    /** The environment procdeck itself sees. */
    Map<String, String> environment() throws Exception {
        return System.getenv();
    }

    /**
     * Shows the dashboard in the stage ApplicationExtension made for the test (TestFX looks for {@code @Start} in
     * the test class itself only, so a shared fixture sets the stage up here).
     */
    @BeforeEach
    void showTheDashboard() throws Exception {
        dir = Files.createTempDirectory("procdeck-ui");
        Files.writeString(dir.resolve(".env"), probe.name + "=" + probe.value + "\n" + dotEnv());
        prefs = Preferences.userRoot().node("dev/procdeck-test/" + UUID.randomUUID());
        io = Executors.newSingleThreadExecutor();
        env = environment();
        FxToolkit.setupStage(this::show);
    }

    private void show(Stage stage) {
        model = new DashboardViewModel(new Workspace(prefs), new PosixProcessLauncher(), io, Platform::runLater,
                Clock.systemUTC(), env, 10_000);
        view = new DashboardView(model);
        Theme.apply(false, view);
        Scene scene = new Scene(view, width(), 700);
        scene.getStylesheets().add(DashboardApp.class.getResource("procdeck.css").toExternalForm());
        stage.setScene(scene);
        stage.sizeToScene(); // the stage is shared: a previous test may have resized it
        stage.show();
        pulse = DashboardApp.startPulse(model);
    }

    @AfterEach
    void shutDownTheWindowsProject() throws Exception {
        model.shutdown().get(20, TimeUnit.SECONDS);
        pulse.close();
        io.shutdown();
        prefs.removeNode();
        Await.until(WAIT, () -> probe.livePids().isEmpty(), () -> "no process left, but " + probe.livePids());
    }

    /** Writes the Procfile (and procdeck.yml, unless null) and opens the folder. */
    void open(String procfile, String yml) throws Exception {
        Files.writeString(dir.resolve("Procfile"), procfile);
        if (yml != null) {
            Files.writeString(dir.resolve("procdeck.yml"), yml);
        }
        model.openProject(dir).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
    }

    void open(String procfile) throws Exception {
        open(procfile, null);
    }

    <T> T onFx(Callable<T> what) {
        AtomicReference<T> result = new AtomicReference<>();
        try {
            WaitForAsyncUtils.asyncFx(() -> {
                result.set(what.call());
                return null;
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return result.get();
    }

    TypeRow type(String name) {
        return onFx(() -> model.types().stream().filter(t -> t.typeName().equals(name)).findFirst().orElseThrow());
    }

    /** The instance rows of a type now (none when the type has no row). */
    List<InstanceRow> instances(String type) {
        return onFx(() -> model.types().stream().filter(t -> t.typeName().equals(type)).findFirst()
                .map(t -> List.copyOf(t.instances())).orElse(List.of()));
    }

    String consoleText() {
        return onFx(() -> ((InlineCssTextArea) view.console().area()).getText());
    }

    static Node byId(FxRobot robot, String id) {
        return robot.lookup(n -> id.equals(n.getId())).query();
    }
}
