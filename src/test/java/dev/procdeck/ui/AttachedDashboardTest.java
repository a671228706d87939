package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.runtime.ControlClient;
import dev.procdeck.runtime.ControlMessages;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.testing.Await;
import dev.procdeck.testing.ProcdeckProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.Slider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * The dashboard attached to a real headless {@code procdeck start} in another JVM, driven as a user would:
 * File › Attach… lists it, the slider scales it, the restart button restarts, its output reaches the console,
 * and closing the window leaves every process running. What the headless procdeck says is read back through
 * its socket, as {@code procdeck ps} would.
 */
class AttachedDashboardTest extends DashboardFxFixture {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private Map<String, String> env;
    private Process headless;

    @Override
    Map<String, String> environment() {
        env = new HashMap<>(System.getenv());
        env.put("XDG_STATE_HOME", dir.resolve("state").toString()); // this test's procdecks only
        return env;
    }

    /** Before the fixture checks that nothing of the probe's is left: the headless run stops its processes. */
    @AfterEach
    void stopTheHeadlessRun() throws Exception {
        model.shutdown().get(20, TimeUnit.SECONDS);
        if (headless != null && headless.isAlive()) {
            headless.destroy(); // SIGTERM: the headless procdeck stops its processes gracefully
            headless.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** {@code procdeck start} in the project folder, as a user runs it in a terminal; returns its socket. */
    private Path startHeadless(String procfile) throws Exception {
        return startHeadless(procfile, null);
    }

    private Path startHeadless(String procfile, String yml) throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("Procfile"), procfile);
        if (yml != null) {
            Files.writeString(app.resolve("procdeck.yml"), yml);
        }
        ProcessBuilder pb = ProcdeckProcess.builder(app, probe, "start", "-p", "6300");
        pb.environment().put("XDG_STATE_HOME", env.get("XDG_STATE_HOME"));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("headless.log").toFile());
        headless = pb.start();
        AtomicReference<ControlClient.Target> found = new AtomicReference<>();
        Await.until(WAIT, () -> {
            try {
                found.set(ControlClient.locate(app, app, null, env));
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        }, () -> "the headless procdeck's socket; its output: " + read(dir.resolve("headless.log")));
        return found.get().socket();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(none)";
        }
    }

    /** The headless procdeck's own view of an instance, through its socket. */
    private Optional<Map<?, ?>> remote(Path socket, String name) {
        try (ControlClient c = ControlClient.connect(socket)) {
            Map<String, Object> ps = c.call(new ControlMessages.Ps());
            return ((List<?>) ps.get("instances")).stream().<Map<?, ?>>map(o -> (Map<?, ?>) o)
                    .filter(i -> name.equals(i.get("name"))).findFirst();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private boolean remoteUp(Path socket, String name) {
        return remote(socket, name).map(i -> "up".equals(i.get("state"))).orElse(false);
    }

    @Test
    void anAttachedWindowPaintsEachTypeByItsPositionAndShowsAScheduledTypeAsASchedule(FxRobot robot) throws Exception {
        Path socket = startHeadless("report: echo reported\nweb: exec sleep 1000\n",
                "types:\n  report:\n    schedule: \"every 1h\"\n");
        Await.until(WAIT, () -> remoteUp(socket, "web.1"), "the headless run up");
        model.attach(socket).get(20, TimeUnit.SECONDS);
        Await.until(WAIT, () -> instances("web").size() == 1 && robot.lookup("#job-summary-report").tryQuery().isPresent(),
                "web.1 and report's schedule shown");
        assertThat(robot.lookup("#slider-report").tryQuery()).isEmpty();
        assertThat(onFx(() -> model.formationProperty().get())).isEqualTo("web=1");
        // The colours procdeck start's window would give them: their Procfile positions.
        assertThat(onFx(() -> model.types().stream().map(t -> t.typeName() + "=" + t.colourIndex()).toList()))
                .containsExactly("report=0", "web=1");
    }

    @Test
    void fileAttachDrivesAHeadlessRunAndClosingTheWindowLeavesItRunning(FxRobot robot) throws Exception {
        Path socket = startHeadless("web: echo \"hello from $PS\"; exec sleep 1000\nworker: exec sleep 1000\n");
        Await.until(WAIT, () -> remoteUp(socket, "web.1") && remoteUp(socket, "worker.1"), "the headless run up");

        // File › Attach… lists the running procdeck; Attach shows its instances in this window.
        robot.press(javafx.scene.input.KeyCode.CONTROL, javafx.scene.input.KeyCode.SHIFT, javafx.scene.input.KeyCode.A)
                .release(javafx.scene.input.KeyCode.A, javafx.scene.input.KeyCode.SHIFT, javafx.scene.input.KeyCode.CONTROL);
        Await.until(WAIT, () -> onFx(() -> robot.lookup("#attachList").tryQuery()
                .map(n -> ((javafx.scene.control.ListView<?>) n).getItems().size() == 1).orElse(false)),
                "the headless procdeck listed");
        // Picked from the list with the keyboard: Enter attaches to the selected procdeck.
        robot.clickOn("#attachList .list-cell");
        robot.press(javafx.scene.input.KeyCode.ENTER).release(javafx.scene.input.KeyCode.ENTER);
        Await.until(WAIT, () -> instances("web").size() == 1 && instances("web").get(0).instanceState() == InstanceState.UP,
                "web.1 shown up");
        assertThat(onFx(() -> model.titleProperty().get())).contains("attached to procdeck " + headless.pid());
        assertThat(onFx(() -> instances("web").get(0).snapshot().pid()))
                .isEqualTo((Long) remote(socket, "web.1").orElseThrow().get("pid"));
        Await.until(WAIT, () -> consoleText().contains("hello from web.1"), "web.1's earlier output in the console");

        // The slider scales the headless run; the new instance's output arrives as it is printed.
        Slider slider = (Slider) byId(robot, "slider-web");
        robot.interact(() -> slider.setValue(2));
        Await.until(WAIT, () -> remoteUp(socket, "web.2"), "web.2 up in the headless run");
        Await.until(WAIT, () -> instances("web").size() == 2, "web.2 in the window");
        Await.until(WAIT, () -> consoleText().contains("hello from web.2"), "web.2's output in the console");
        robot.interact(() -> slider.setValue(3));
        Await.until(WAIT, () -> remoteUp(socket, "web.3") && instances("web").size() == 3, "scaled up to 3");
        robot.interact(() -> slider.setValue(2));
        Await.until(WAIT, () -> remote(socket, "web.3").isEmpty(), "scaled down: web.3 gone in the headless run");
        Await.until(WAIT, () -> instances("web").size() == 2, "and from the window");

        // The row's restart button restarts the headless run's web.1: a new pid there, then here.
        long before = (Long) remote(socket, "web.1").orElseThrow().get("pid");
        robot.clickOn(byId(robot, "more-web.1")).clickOn("Restart"); // at 1024 px the row menu holds Restart
        Await.until(WAIT, () -> remoteUp(socket, "web.1")
                && !Long.valueOf(before).equals(remote(socket, "web.1").orElseThrow().get("pid")), "web.1 restarted");
        Await.until(WAIT, () -> instances("web").get(0).snapshot().pid() != before, "the new pid shown");

        // Closing the window hangs up: every process of the headless run keeps running, the same pids.
        Map<String, Object> pidsBefore = Map.of("web.1", remote(socket, "web.1").orElseThrow().get("pid"),
                "web.2", remote(socket, "web.2").orElseThrow().get("pid"),
                "worker.1", remote(socket, "worker.1").orElseThrow().get("pid"));
        List<Long> liveBefore = probe.livePids();
        model.shutdown().get(20, TimeUnit.SECONDS);
        assertThat(headless.isAlive()).isTrue();
        for (var e : pidsBefore.entrySet()) {
            assertThat(remoteUp(socket, e.getKey())).as(e.getKey()).isTrue();
            assertThat(remote(socket, e.getKey()).orElseThrow().get("pid")).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(probe.livePids()).containsExactlyInAnyOrderElementsOf(liveBefore);
    }

    @Test
    void openingAProjectAHeadlessRunRunsOffersToAttach(FxRobot robot) throws Exception {
        Path socket = startHeadless("web: exec sleep 1000\n");
        Await.until(WAIT, () -> remoteUp(socket, "web.1"), "the headless run up");
        model.openProject(dir.resolve("app")).get(20, TimeUnit.SECONDS);
        Await.until(WAIT, () -> onFx(() -> byId(robot, "problemAttach").isVisible()), "the banner's Attach button");
        assertThat(onFx(() -> model.problemsProperty().get())).contains("procdeck (pid " + headless.pid() + ")");
        robot.clickOn("#problemAttach");
        Await.until(WAIT, () -> onFx(() -> model.attachedProperty().get()) && instances("web").size() == 1
                && instances("web").get(0).instanceState() == InstanceState.UP, "attached, web.1 up");
        assertThat(onFx(() -> byId(robot, "problemAttach").isVisible())).isFalse();

        // Stop all from the attached window stops the headless run's processes (the run itself goes on).
        robot.clickOn("#stopAll");
        Await.until(WAIT, () -> remote(socket, "web.1").map(i -> "stopped".equals(i.get("state"))).orElse(false),
                "web.1 stopped in the headless run");
        Await.until(WAIT, () -> instances("web").get(0).instanceState() == InstanceState.STOPPED, "shown stopped");
        assertThat(headless.isAlive()).isTrue();
    }

    @Test
    void aSocketThatDoesNotAnswerKeepsTheDialogOpenWithTheReasonAndThePath(FxRobot robot) throws Exception {
        robot.press(javafx.scene.input.KeyCode.CONTROL, javafx.scene.input.KeyCode.SHIFT, javafx.scene.input.KeyCode.A)
                .release(javafx.scene.input.KeyCode.A, javafx.scene.input.KeyCode.SHIFT, javafx.scene.input.KeyCode.CONTROL);
        Await.until(WAIT, () -> onFx(() -> robot.lookup("#attachSocket").tryQuery().isPresent()), "the dialog");
        // No procdeck runs: the socket field has the focus, so typing goes there.
        Await.until(WAIT, () -> onFx(() -> byId(robot, "attachSocket").isFocused()), "the socket field focused");
        String path = dir.resolve("nobody.sock").toString();
        robot.clickOn("#attachSocket").write(path); // (Monocle types into the window under the mouse)
        robot.clickOn("#attachButton");
        Await.until(WAIT, () -> onFx(() -> byId(robot, "attachError").isVisible()), () -> "the reason shown; field: "
                + onFx(() -> ((javafx.scene.control.TextField) byId(robot, "attachSocket")).getText()) + ", attached: "
                + onFx(() -> model.attachedProperty().get()) + ", dialog open: "
                + onFx(() -> robot.lookup("#attachSocket").tryQuery().isPresent()));
        assertThat(onFx(() -> ((javafx.scene.control.Label) byId(robot, "attachError")).getText()))
                .startsWith("Cannot attach to " + path + ": nothing answers on " + path);
        assertThat(onFx(() -> ((javafx.scene.control.TextField) byId(robot, "attachSocket")).getText())).isEqualTo(path);
        assertThat(onFx(() -> model.attachedProperty().get())).isFalse();
        robot.press(javafx.scene.input.KeyCode.ESCAPE).release(javafx.scene.input.KeyCode.ESCAPE);
        Await.until(WAIT, () -> onFx(() -> robot.lookup("#attachSocket").tryQuery().isEmpty()), "Escape closes it");
    }
}
