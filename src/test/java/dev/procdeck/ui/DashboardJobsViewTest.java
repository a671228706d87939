package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.testing.Await;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** Scheduled types, Processes › Run… and a tty instance's input bar in the real dashboard (headless, Monocle). */
class DashboardJobsViewTest extends DashboardFxFixture {
    @Override
    double width() {
        return 1200;
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
        // The row's Last exit column tells the run's result (the schedule cell keeps to the schedule).
        Await.until(WAIT, () -> type("report").lastExitProperty().get().contains("exit 0 after"),
                () -> "the run's result, got " + type("report").lastExitProperty().get());
        assertThat(text(robot, "job-summary-report")).isEqualTo("every 1h");
        Await.until(WAIT, () -> consoleText().contains("reported"), "the run's output in the console");
        assertThat(onFx(() -> view.table().getRoot().getChildren().stream()
                .filter(i -> i.getValue().nameProperty().get().equals("report")).findFirst().orElseThrow()
                .getChildren().size())).isZero();
    }

    @Test
    void aReloadThatSchedulesATypeTurnsItsRowIntoAScheduleAndTakesItOutOfTheFormation(FxRobot robot) throws Exception {
        // Found: after a procdeck.yml reload made report a scheduled type, its row kept the slider and the header
        // still listed report=1.
        open("web: exec sleep 1000\nreport: echo reported\n", "types: {}\n");
        Await.until(WAIT, () -> robot.lookup("#slider-report").tryQuery().isPresent(), "report's scale");
        assertThat(text(robot, "formation")).isEqualTo("web=1  report=1");
        java.nio.file.Files.writeString(dir.resolve("procdeck.yml"), "types:\n  report:\n    schedule: \"every 1h\"\n");
        model.reload().get(10, java.util.concurrent.TimeUnit.SECONDS);
        Await.until(WAIT, () -> robot.lookup("#job-summary-report").tryQuery().isPresent()
                && text(robot, "job-summary-report").startsWith("every 1h"), () -> "the schedule shown in the report row, got "
                + robot.lookup("#job-summary-report").tryQuery().map(n -> ((Label) n).getText()) + " slider "
                + robot.lookup("#slider-report").tryQuery().isPresent() + " scheduled " + onFx(() -> model.jobs().isScheduled("report")));
        assertThat(robot.lookup("#slider-report").tryQuery()).isEmpty();
        assertThat(text(robot, "formation")).isEqualTo("web=1");
        // And back: a scale again, and part of the formation.
        java.nio.file.Files.writeString(dir.resolve("procdeck.yml"), "types: {}\n");
        model.reload().get(10, java.util.concurrent.TimeUnit.SECONDS);
        Await.until(WAIT, () -> robot.lookup("#slider-report").tryQuery().isPresent(), "report's scale again");
        assertThat(robot.lookup("#job-summary-report").tryQuery()).isEmpty();
        Await.until(WAIT, () -> text(robot, "formation").equals("web=1  report=1"),
                () -> "report in the formation again, got " + text(robot, "formation"));
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
