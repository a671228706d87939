package dev.procdeck.ui;

import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.layout.Region;
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
    private final ButtonType proceed;
    private final CheckBox dontAsk = new CheckBox("Don't ask again");

    QuitConfirmation(Window owner, int running, java.time.Duration stopTimeout) {
        this(owner, "Quit Procdeck", header(running), explanation(stopTimeout), STOP_AND_QUIT);
    }

    /**
     * The same question before the window turns to another project or procdeck (opening a folder, attaching):
     * its processes are stopped then too. {@code next}: "open myapp", "attach to another procdeck".
     */
    static QuitConfirmation beforeLeaving(Window owner, int running, java.time.Duration stopTimeout, String next,
                                          String buttonLabel) {
        return new QuitConfirmation(owner, "Procdeck",
                "Stop " + running + (running == 1 ? " running process" : " running processes") + " to " + next + "?",
                explanation(stopTimeout).replace("Closing the window stops", "This window shows one project at a"
                        + " time: turning to another stops"), new ButtonType(buttonLabel, ButtonBar.ButtonData.OK_DONE));
    }

    private QuitConfirmation(Window owner, String title, String header, String explanation, ButtonType proceed) {
        this.proceed = proceed;
        alert = new Alert(Alert.AlertType.CONFIRMATION, "", proceed, ButtonType.CANCEL);
        alert.initOwner(owner);
        alert.setTitle(title);
        alert.setHeaderText(header);
        Label text = new Label(explanation);
        text.setWrapText(true);
        text.setPrefWidth(420);
        text.setMinHeight(Region.USE_PREF_SIZE); // the whole explanation, never one line and an ellipsis
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
        boolean quit = alert.showAndWait().filter(proceed::equals).isPresent();
        return new Answer(quit, quit && dontAsk.isSelected());
    }

    Alert alert() {
        return alert;
    }
}
