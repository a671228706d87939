package dev.procdeck.ui;

import dev.procdeck.supervisor.InstanceTerminal;
import java.util.Optional;
import javafx.beans.value.ChangeListener;
import javafx.scene.control.TreeItem;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

/**
 * Under the console: the {@link TerminalInputBar} of the selected instance when its type runs on a terminal
 * (procdeck.yml {@code tty: true}) and it has one; nothing otherwise. The program's window follows the console's
 * size in characters, so a full-screen program lays itself out to what is shown.
 */
final class TerminalDock extends StackPane {
    /** The console's font (ConsoleView): what one character cell measures. */
    static final Font CONSOLE_FONT = Font.font("DejaVu Sans Mono", 12);

    private final DashboardViewModel model;
    private final Region console;
    private final double charWidth;
    private final double lineHeight;
    private DeckRow selected;
    private InstanceTerminal shownTerminal;
    private TerminalInputBar bar;
    private final ChangeListener<Object> rowChanged = (o, a, b) -> refresh();

    TerminalDock(DashboardViewModel model, ProcessTableView table, Region console) {
        this.model = model;
        this.console = console;
        setId("terminalDock");
        Text probe = new Text("MMMMMMMMMM");
        probe.setFont(CONSOLE_FONT);
        charWidth = Math.max(1, probe.getLayoutBounds().getWidth() / 10);
        lineHeight = Math.max(1, probe.getLayoutBounds().getHeight());
        managedProperty().bind(visibleProperty());
        setVisible(false);
        table.getSelectionModel().selectedItemProperty().addListener((o, a, item) -> select(item));
        console.widthProperty().addListener((o, a, b) -> resized());
        console.heightProperty().addListener((o, a, b) -> resized());
    }

    private void select(TreeItem<DeckRow> item) {
        if (selected != null) {
            selected.stateProperty().removeListener(rowChanged);
        }
        selected = item == null ? null : item.getValue();
        if (selected != null) {
            // The terminal comes with the process: a stopped instance gets one when it starts.
            selected.stateProperty().addListener(rowChanged);
        }
        refresh();
    }

    /** Shows the bar of the selected row's terminal (a new one when it restarted), or hides it. */
    void refresh() {
        Optional<InstanceTerminal> terminal = selected == null ? Optional.empty() : model.terminalOf(selected);
        if (terminal.isEmpty()) {
            shownTerminal = null;
            bar = null;
            getChildren().clear();
            setVisible(false);
            return;
        }
        if (terminal.get() != shownTerminal) {
            shownTerminal = terminal.get();
            bar = new TerminalInputBar(new TerminalInputViewModel(shownTerminal));
            getChildren().setAll(bar);
            resized();
        }
        setVisible(true);
    }

    private void resized() {
        if (bar != null && console.getWidth() > 0 && console.getHeight() > 0) {
            bar.model().consoleResized(columns(console.getWidth(), charWidth), rows(console.getHeight(), lineHeight));
        }
    }

    /** Whole characters that fit across (at least 20: a program needs some room even in a narrow window). */
    static int columns(double width, double charWidth) {
        return Math.max(20, (int) Math.floor(width / charWidth));
    }

    static int rows(double height, double lineHeight) {
        return Math.max(5, (int) Math.floor(height / lineHeight));
    }

    TerminalInputBar bar() {
        return bar;
    }
}
