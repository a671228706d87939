package dev.procdeck.ui;

import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * The question asked once before closing a window whose processes run: closing stops them, and a user who
 * expected them to keep running (Docker Desktop and Tilt never stop anything silently) gets to say no.
 * "Don't ask again" is remembered by the caller.
 */
final class QuitConfirmation {
    static final ButtonType STOP_AND_QUIT = new ButtonType("Stop and Quit", ButtonBar.ButtonData.OK_DONE);

    /** What the user chose. */
    record Answer(boolean quit, boolean dontAskAgain) {
    }

    private final Alert alert;
    private final CheckBox dontAsk = new CheckBox("Don't ask again");

    QuitConfirmation(Window owner, int running, java.time.Duration stopTimeout) {
        alert = new Alert(Alert.AlertType.CONFIRMATION, "", STOP_AND_QUIT, ButtonType.CANCEL);
        alert.initOwner(owner);
        alert.setTitle("Quit Procdeck");
        alert.setHeaderText(header(running));
        Label text = new Label(explanation(stopTimeout));
        text.setWrapText(true);
        text.setPrefWidth(420);
        dontAsk.setId("quitDontAsk");
        VBox content = new VBox(12, text, dontAsk);
        alert.getDialogPane().setContent(content);
        alert.getDialogPane().setId("quitConfirmation");
    }

    static String header(int running) {
        return "Stop " + running + (running == 1 ? " running process" : " running processes") + " and quit?";
    }

    static String explanation(java.time.Duration stopTimeout) {
        long seconds = Math.max(1, stopTimeout.toSeconds());
        return "Closing the window stops every instance: SIGTERM to each process group, SIGKILL after " + seconds
                + " s. To keep processes running without a window, run them with procdeck start in a terminal"
                + " and attach to it (File \u203a Attach\u2026).";
    }

    /** Shows the question and waits for the answer (a nested event loop on the FX thread). */
    Answer ask() {
        boolean quit = alert.showAndWait().filter(STOP_AND_QUIT::equals).isPresent();
        return new Answer(quit, quit && dontAsk.isSelected());
    }

    Alert alert() {
        return alert;
    }
}
