package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.testing.Await;
import dev.procdeck.testing.ProcessProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.prefs.Preferences;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
import javafx.stage.Stage;
import org.fxmisc.richtext.InlineCssTextArea;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Scheduled types, Processes › Run… and a tty instance's input bar in the real dashboard (headless, Monocle). */
@ExtendWith(ApplicationExtension.class)
class DashboardJobsViewTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final ProcessProbe probe = new ProcessProbe();
    private Path dir;
    private Preferences prefs;
    private ExecutorService io;
    private DashboardViewModel model;
    private DashboardView view;
    private AutoCloseable pulse;

    @Start
    void start(Stage stage) throws Exception {
        dir = Files.createTempDirectory("procdeck-ui");
        Files.writeString(dir.resolve(".env"), probe.name + "=" + probe.value + "\n");
        prefs = Preferences.userRoot().node("dev/procdeck-test/" + UUID.randomUUID());
        io = Executors.newSingleThreadExecutor();
        model = new DashboardViewModel(new Workspace(prefs), new PosixProcessLauncher(), io, Platform::runLater,
                Clock.systemUTC(), System.getenv(), 10_000);
        view = new DashboardView(model);
        Theme.apply(false, view);
        Scene scene = new Scene(view, 1200, 700);
        scene.getStylesheets().add(DashboardApp.class.getResource("procdeck.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
        pulse = DashboardApp.startPulse(model);
    }

    @AfterEach
    void tearDown() throws Exception {
        model.shutdown().get(20, TimeUnit.SECONDS);
        pulse.close();
        io.shutdown();
        prefs.removeNode();
        Await.until(WAIT, () -> probe.livePids().isEmpty(), () -> "no process left, but " + probe.livePids());
    }

    private void open(String procfile, String yml) throws Exception {
        Files.writeString(dir.resolve("Procfile"), procfile);
        Files.writeString(dir.resolve("procdeck.yml"), yml);
        model.openProject(dir).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private <T> T onFx(java.util.concurrent.Callable<T> what) {
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

    private String consoleText() {
        return onFx(() -> ((InlineCssTextArea) view.console().area()).getText());
    }

    private static Node byId(FxRobot robot, String id) {
        return robot.lookup(n -> id.equals(n.getId())).query();
    }

    private String text(FxRobot robot, String id) {
        return onFx(() -> ((Label) byId(robot, id)).getText());
    }

    @Test
    void aScheduledTypeShowsItsScheduleInsteadOfAScaleAndRunNowShowsTheResult(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\nreport: echo reported\n", "types:\n  report:\n    schedule: \"every 1h\"\n");
        Await.until(WAIT, () -> robot.lookup("#job-summary-report").tryQuery().isPresent()
                && text(robot, "job-summary-report").startsWith("every 1h"), "the schedule shown in the report row");
        assertThat(robot.lookup("#slider-report").tryQuery()).isEmpty();
        assertThat(robot.lookup("#slider-web").tryQuery()).isPresent();
        robot.interact(() -> ((Button) byId(robot, "job-runNow-report")).fire());
        Await.until(WAIT, () -> text(robot, "job-summary-report").contains("last: exit 0 after"),
                () -> "the run's result, got " + text(robot, "job-summary-report"));
        Await.until(WAIT, () -> consoleText().contains("reported"), "the run's output in the console");
        assertThat(onFx(() -> view.table().getRoot().getChildren().stream()
                .filter(i -> i.getValue().nameProperty().get().equals("report")).findFirst().orElseThrow()
                .getChildren().size())).isZero();
    }

    @Test
    void runDialogRunsALineShowsItsEndAndStaysOpenOnABlankOne(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n", "types: {}\n");
        RunDialog dialog = onFx(view::showRunDialog);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(onFx(() -> dialog.interactive().isVisible())).isFalse(); // no terminal launcher for runs yet
        robot.interact(() -> ((Button) dialog.getDialogPane().lookupButton(RunDialog.RUN)).fire());
        assertThat(onFx(dialog::isShowing)).isTrue();
        assertThat(onFx(() -> dialog.error().getText())).startsWith("nothing to run");
        robot.interact(() -> dialog.command().getEditor().setText("echo from-the-dialog"));
        robot.interact(() -> ((Button) dialog.getDialogPane().lookupButton(RunDialog.RUN)).fire());
        assertThat(onFx(dialog::isShowing)).isFalse();
        Await.until(WAIT, () -> text(robot, "oneOffStatus").startsWith("run.1 (echo from-the-dialog) exited 0 after"),
                () -> "the end in the status bar, got " + text(robot, "oneOffStatus"));
        Await.until(WAIT, () -> consoleText().contains("from-the-dialog"), "its output in the console");
        assertThat(robot.lookup("#stopOneOff").tryQuery()).isEmpty();
        RunDialog long_ = onFx(view::showRunDialog);
        robot.interact(() -> long_.command().getEditor().setText("sleep 1000"));
        robot.interact(() -> ((Button) long_.getDialogPane().lookupButton(RunDialog.RUN)).fire());
        Await.until(WAIT, () -> robot.lookup("#stopOneOff").tryQuery().isPresent(), "a stop button while it runs");
        robot.interact(() -> ((Button) byId(robot, "stopOneOff")).fire());
        Await.until(WAIT, () -> text(robot, "oneOffStatus").startsWith("run.2 (sleep 1000) stopped after"),
                () -> "stopped, got " + text(robot, "oneOffStatus"));
        assertThat(robot.lookup("#stopOneOff").tryQuery()).isEmpty();
        RunDialog again = onFx(view::showRunDialog);
        assertThat(onFx(() -> again.command().getItems())).containsExactly("sleep 1000", "echo from-the-dialog");
        robot.interact(again::close);
    }

    @Test
    void aSelectedTtyInstanceGetsAnInputBarThatReachesItsProgram(FxRobot robot) throws Exception {
        open("shell: exec cat\nweb: exec sleep 1000\n", "types:\n  shell:\n    tty: true\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> onFx(() -> model.types().stream().allMatch(t -> !t.instances().isEmpty()
                && t.instances().get(0).instanceState() == InstanceState.UP)), "both up");
        Node dock = byId(robot, "terminalDock");
        assertThat(onFx(dock::isVisible)).isFalse();
        robot.interact(() -> select("shell"));
        Await.until(WAIT, () -> onFx(dock::isVisible), "the bar under the console");
        TerminalDock terminalDock = (TerminalDock) dock;
        robot.interact(() -> {
            terminalDock.bar().model().input().set("typed-into-the-tty");
            terminalDock.bar().model().send();
        });
        Await.until(WAIT, () -> consoleText().contains("typed-into-the-tty"), "cat echoes the line back");
        robot.interact(() -> select("web"));
        assertThat(onFx(dock::isVisible)).isFalse();
    }

    private void select(String type) {
        TreeItem<DeckRow> typeItem = view.table().getRoot().getChildren().stream()
                .filter(i -> i.getValue().nameProperty().get().equals(type)).findFirst().orElseThrow();
        typeItem.setExpanded(true);
        view.table().getSelectionModel().select(typeItem.getChildren().get(0));
    }

    @Test
    void theTerminalIsToldTheConsoleSizeInWholeCharacters() {
        assertThat(TerminalDock.columns(725, 7.2)).isEqualTo(100);
        assertThat(TerminalDock.columns(50, 7.2)).isEqualTo(20);
        assertThat(TerminalDock.rows(300, 15)).isEqualTo(20);
    }
}
