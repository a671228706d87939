package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.testing.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

/** How the window appears and goes: no half-drawn first frame, and no silent stop of running processes. */
@ExtendWith(ApplicationExtension.class)
class WindowMannersTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void theWindowShowsOnlyOnceItsFirstProjectIsLoaded() throws Exception {
        CompletableFuture<Void> loaded = new CompletableFuture<>();
        AtomicInteger shownCalls = new AtomicInteger();
        AtomicReference<Stage> stage = new AtomicReference<>();
        WaitForAsyncUtils.asyncFx(() -> {
            Stage s = new Stage();
            s.setScene(new Scene(new StackPane(), 200, 100));
            stage.set(s);
            DashboardApp.showWhenReady(s, loaded, javafx.util.Duration.minutes(5), shownCalls::incrementAndGet);
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(stage.get().isShowing()).as("shown before the project is loaded").isFalse();

        loaded.complete(null);
        Await.until(WAIT, () -> stage.get().isShowing(), "the window shows once loaded");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(shownCalls).hasValue(1);
        WaitForAsyncUtils.asyncFx(() -> stage.get().hide()).get();
    }

    @Test
    void aProjectThatTakesTooLongToLoadDoesNotKeepTheWindowHidden() throws Exception {
        AtomicReference<Stage> stage = new AtomicReference<>();
        WaitForAsyncUtils.asyncFx(() -> {
            Stage s = new Stage();
            s.setScene(new Scene(new StackPane(), 200, 100));
            stage.set(s);
            DashboardApp.showWhenReady(s, new CompletableFuture<>(), javafx.util.Duration.millis(200), () -> { });
        }).get();
        Await.until(WAIT, () -> stage.get().isShowing(), "the window shows after the limit");
        WaitForAsyncUtils.asyncFx(() -> stage.get().hide()).get();
    }

    @Test
    void quittingWithProcessesRunningAsksAndRemembersDontAskAgain(FxRobot robot) throws Exception {
        CompletableFuture<QuitConfirmation.Answer> answer = new CompletableFuture<>();
        Platform.runLater(() -> answer.complete(new QuitConfirmation(null, 3, Duration.ofSeconds(5)).ask()));
        Await.until(WAIT, () -> robot.lookup("#quitConfirmation").tryQuery().isPresent(), "the question");
        assertThat(robot.lookup(".dialog-pane .header-panel .label").queryLabeled().getText())
                .isEqualTo("Stop 3 running processes and quit?");
        robot.interact(() -> robot.lookup("#quitDontAsk").queryAs(CheckBox.class).setSelected(true));
        robot.interact(() -> robot.lookup(".dialog-pane .button-bar .button").queryAll().stream()
                .map(Button.class::cast).filter(b -> b.getText().equals("Stop and Quit")).findFirst().orElseThrow().fire());
        assertThat(answer.get(15, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(new QuitConfirmation.Answer(true, true));
    }

    @Test
    void cancelKeepsTheWindowAndForgetsTheTick(FxRobot robot) throws Exception {
        CompletableFuture<QuitConfirmation.Answer> answer = new CompletableFuture<>();
        Platform.runLater(() -> answer.complete(new QuitConfirmation(null, 1, Duration.ofSeconds(5)).ask()));
        Await.until(WAIT, () -> robot.lookup("#quitConfirmation").tryQuery().isPresent(), "the question");
        assertThat(robot.lookup(".dialog-pane .header-panel .label").queryLabeled().getText())
                .isEqualTo("Stop 1 running process and quit?");
        robot.interact(() -> robot.lookup("#quitDontAsk").queryAs(CheckBox.class).setSelected(true));
        robot.interact(() -> robot.lookup(".dialog-pane .button-bar .button").queryAll().stream()
                .map(Button.class::cast).filter(b -> b.getText().equals("Cancel")).findFirst().orElseThrow().fire());
        assertThat(answer.get(15, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(new QuitConfirmation.Answer(false, false));
    }
}
