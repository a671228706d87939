package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalInputViewModelTest {

    private final FakeTerminal terminal = new FakeTerminal();
    private final TerminalInputViewModel model = new TerminalInputViewModel(terminal);

    @Test
    void sendTypesTheLineWithANewlineAndClearsTheField() {
        model.input().set("hello world");
        model.send();
        assertThat(terminal.typed).containsExactly("hello world\n");
        assertThat(model.input().get()).isEmpty();
        assertThat(model.status().get()).isEmpty();
    }

    @Test
    void ctrlCAndCtrlDReachTheTerminalAndKeepTheField() {
        model.input().set("half a line");
        model.interrupt();
        model.endOfInput();
        assertThat(terminal.typed).containsExactly("^C", "^D");
        assertThat(model.input().get()).isEqualTo("half a line");
    }

    @Test
    void theFieldIsMaskedWhileTheProgramHasEchoOff() {
        assertThat(model.masked().get()).isFalse();
        terminal.echo = false;
        model.refresh();
        assertThat(model.masked().get()).isTrue();
        terminal.echo = true;
        model.refresh();
        assertThat(model.masked().get()).isFalse();
    }

    @Test
    void inputTheProgramDoesNotTakeStaysInTheFieldWithAReason() {
        terminal.takesInput = false;
        model.input().set("ignored?");
        model.send();
        assertThat(model.input().get()).isEqualTo("ignored?");
        assertThat(model.status().get()).isEqualTo(TerminalInputViewModel.NOT_TAKEN);
        terminal.takesInput = true;
        model.send();
        assertThat(terminal.typed).containsExactly("ignored?\n");
        assertThat(model.status().get()).isEmpty();
    }

    @Test
    void aClosedTerminalDisablesInputAndSaysWhy() {
        assertThat(model.open().get()).isTrue();
        terminal.open = false;
        terminal.echo = false;
        model.input().set("too late");
        model.send();
        assertThat(model.open().get()).isFalse();
        assertThat(model.masked().get()).isFalse();
        assertThat(model.status().get()).isEqualTo(TerminalInputViewModel.CLOSED);
        assertThat(model.input().get()).isEqualTo("too late");
    }

    @Test
    void theConsoleSizeIsPassedOn() {
        model.consoleResized(132, 43);
        assertThat(terminal.sizes).containsExactly("132x43");
    }

    @Test
    void theOneStreamNoticeSaysSo() {
        assertThat(TerminalInputViewModel.ONE_STREAM_NOTICE).isEqualTo("stdout and stderr are one stream (terminal)");
    }
}
