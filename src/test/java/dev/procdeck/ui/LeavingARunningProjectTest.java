package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.testing.Await;
import javafx.scene.control.Button;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * Found: File › Attach… (and opening another folder) stopped every running process of the window's project
 * without a word. Turning to something else now asks first, as quitting does.
 */
class LeavingARunningProjectTest extends DashboardFxFixture {

    @Test
    void attachingWhileProcessesRunAsksFirstAndCancelKeepsThemRunning(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> !instances("web").isEmpty()
                && instances("web").get(0).instanceState() == InstanceState.UP, "web.1 up");
        long pid = onFx(() -> instances("web").get(0).snapshot().pid());

        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.A).release(KeyCode.A, KeyCode.SHIFT, KeyCode.CONTROL);
        Await.until(WAIT, () -> onFx(() -> robot.lookup("#quitConfirmation").tryQuery().isPresent()), "the question");
        assertThat(onFx(() -> robot.lookup(".dialog-pane .header-panel .label").queryLabeled().getText()))
                .isEqualTo("Stop 1 running process to attach this window to another procdeck?");
        robot.interact(() -> robot.lookup(".dialog-pane .button-bar .button").queryAll().stream()
                .map(Button.class::cast).filter(b -> b.getText().equals("Cancel")).findFirst().orElseThrow().fire());
        Await.until(WAIT, () -> onFx(() -> robot.lookup("#quitConfirmation").tryQuery().isEmpty()), "the question gone");
        assertThat(onFx(() -> robot.lookup("#attachList").tryQuery().isPresent())).as("no Attach dialog").isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        assertThat(onFx(() -> instances("web").get(0).instanceState())).isEqualTo(InstanceState.UP);
    }
}
