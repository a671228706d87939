package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The bar shows its model's state: no clicks, only what the model changes. */
@ExtendWith(ApplicationExtension.class)
class TerminalInputBarTest {
    private final FakeTerminal terminal = new FakeTerminal();
    private TerminalInputBar bar;

    @Start
    void start(Stage stage) {
        bar = new TerminalInputBar(new TerminalInputViewModel(terminal));
        stage.setScene(new Scene(bar, 600, 80));
        stage.show();
    }

    @Test
    void thePasswordFieldReplacesThePlainOneWhileEchoIsOffAndTheNoticeIsShown(FxRobot robot) {
        TextField plain = robot.lookup(n -> n instanceof TextField && !(n instanceof PasswordField)).query();
        PasswordField masked = robot.lookup(n -> n instanceof PasswordField).query();
        assertThat(plain.isVisible()).isTrue();
        assertThat(masked.isVisible()).isFalse();
        robot.interact(() -> {
            terminal.echo = false;
            bar.model().refresh();
        });
        assertThat(plain.isVisible()).isFalse();
        assertThat(masked.isVisible()).isTrue();
        robot.interact(() -> bar.model().input().set("secret"));
        assertThat(masked.getText()).isEqualTo("secret");
        assertThat(robot.lookup(n -> n instanceof Label l
                && TerminalInputViewModel.ONE_STREAM_NOTICE.equals(l.getText())).tryQuery()).isPresent();
    }

    @Test
    void everythingIsDisabledOnceTheTerminalIsClosed(FxRobot robot) {
        robot.interact(() -> {
            terminal.open = false;
            bar.model().refresh();
        });
        java.util.Set<Node> buttons = robot.lookup(".button").queryAll();
        java.util.Set<Node> fields = robot.lookup(n -> n instanceof TextField).queryAll();
        assertThat(buttons).hasSize(3).allMatch(Node::isDisabled);
        assertThat(fields).hasSize(2).allMatch(Node::isDisabled);
    }
}
