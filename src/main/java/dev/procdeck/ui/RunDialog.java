package dev.procdeck.ui;

import javafx.event.ActionEvent;
import javafx.scene.Node;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * Processes › Run…: one line to run once, as {@code heroku run} does: a process type and arguments
 * ({@code web --migrate}) or any shell command. The recent lines are offered again; "interactive" appears only
 * when a run can be given a terminal. A line that cannot run keeps the dialog open with the reason.
 */
final class RunDialog extends Dialog<String> {
    static final ButtonType RUN = new ButtonType("Run", ButtonBar.ButtonData.OK_DONE);

    private final ComboBox<String> command = new ComboBox<>();
    private final CheckBox interactive = new CheckBox("Interactive (in a terminal)");
    private final Label error = new Label();

    RunDialog(Window owner, OneOffModel model) {
        if (owner != null) {
            initOwner(owner);
        }
        setTitle("Run once");
        setHeaderText("Run a process type with arguments (web --help), or any command, once");
        command.setId("runCommand");
        command.setEditable(true);
        command.setPrefWidth(460);
        command.setPromptText("type [args] or a command");
        command.getItems().setAll(model.recentCommands());
        interactive.setId("runInteractive");
        interactive.visibleProperty().bind(model.interactiveAvailableProperty());
        interactive.managedProperty().bind(interactive.visibleProperty());
        error.setId("runError");
        error.setWrapText(true);
        error.getStyleClass().add("danger");
        error.managedProperty().bind(error.visibleProperty());
        error.setVisible(false);
        Label note = new Label("It runs in the project folder with its .env; its output appears in the console.");
        note.getStyleClass().add("muted");
        note.setWrapText(true);
        VBox box = new VBox(10, command, interactive, error, note);
        box.setPadding(Theme.DIALOG_PADDING);
        getDialogPane().setContent(box);
        getDialogPane().getButtonTypes().addAll(RUN, ButtonType.CANCEL);
        getDialogPane().setId("runDialog");
        Node run = getDialogPane().lookupButton(RUN);
        run.setId("runButton");
        run.addEventFilter(ActionEvent.ACTION, e -> {
            String line = command.getEditor().getText();
            try {
                model.run(line, interactive.isVisible() && interactive.isSelected());
            } catch (IllegalArgumentException | IllegalStateException refused) {
                error.setText(refused.getMessage());
                error.setVisible(true);
                e.consume(); // stay open: the line is still there to fix
            }
        });
        setResultConverter(b -> b == RUN ? command.getEditor().getText() : null);
        setOnShown(e -> command.getEditor().requestFocus());
    }

    ComboBox<String> command() {
        return command;
    }

    CheckBox interactive() {
        return interactive;
    }

    Label error() {
        return error;
    }
}
