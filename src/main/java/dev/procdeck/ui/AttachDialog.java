package dev.procdeck.ui;

import dev.procdeck.runtime.ControlClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.application.Platform;
import javafx.event.ActionEvent;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * File › Attach…: the procdecks this user runs (found in the state folders, off the FX thread), or the path of
 * a control socket typed in, such as one forwarded from another machine with {@code ssh -L}. Attaching is the
 * caller's ({@link #setOnAttach}); the dialog only picks the socket.
 */
final class AttachDialog extends Dialog<Path> {
    static final ButtonType ATTACH = new ButtonType("Attach", ButtonBar.ButtonData.OK_DONE);

    private final ListView<ControlClient.Target> running = new ListView<>();
    private final TextField socket = new TextField();
    private final Label placeholder = new Label("Looking for running procdecks\u2026");
    private final Label error = new Label();
    private java.util.function.Function<Path, CompletableFuture<Void>> attach =
            p -> CompletableFuture.completedFuture(null);

    AttachDialog(Window owner, CompletableFuture<List<ControlClient.Target>> found) {
        if (owner != null) {
            initOwner(owner);
        }
        setTitle("Attach to a running procdeck");
        setHeaderText("Drive a procdeck that runs elsewhere (procdeck start in a terminal, or on another machine)."
                + "\nClosing the window later leaves its processes running.");
        running.setId("attachList");
        running.setPrefSize(560, 180);
        placeholder.setWrapText(true);
        running.setPlaceholder(placeholder);
        running.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(ControlClient.Target t, boolean empty) {
                super.updateItem(t, empty);
                setText(empty || t == null ? null : describe(t));
            }
        });
        running.getSelectionModel().selectedItemProperty().addListener((o, a, t) -> {
            if (t != null) {
                socket.setText(t.socket().toString());
            }
        });
        running.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && running.getSelectionModel().getSelectedItem() != null) {
                ((javafx.scene.control.Button) getDialogPane().lookupButton(ATTACH)).fire();
            }
        });
        // A ListView takes Escape and Enter for itself (to cancel or commit an edit it never has): Escape closes the
        // dialog and Enter attaches to the selected procdeck, as in any other list that picks something.
        running.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ENTER && running.getSelectionModel().getSelectedItem() != null) {
                e.consume();
                ((javafx.scene.control.Button) getDialogPane().lookupButton(ATTACH)).fire();
            } else if (e.getCode() == javafx.scene.input.KeyCode.ESCAPE) {
                e.consume();
                ((javafx.scene.control.Button) getDialogPane().lookupButton(ButtonType.CANCEL)).fire();
            }
        });
        socket.setId("attachSocket");
        socket.setPromptText("or a control socket, e.g. /tmp/app.sock forwarded with ssh -L");
        Label socketLabel = new Label("Control socket");
        socketLabel.setLabelFor(socket);
        Label note = new Label("From another machine: ssh -N -L /tmp/app.sock:REMOTE_SOCKET host, then attach to"
                + " /tmp/app.sock. REMOTE_SOCKET is the \"socket\" field of procdeck ps --json run there.");
        note.getStyleClass().add("muted");
        note.setWrapText(true);
        note.setMaxWidth(560);
        note.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE); // wrapped lines get their height, not "…"
        error.setId("attachError");
        error.setWrapText(true);
        error.setMaxWidth(560);
        error.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        error.getStyleClass().add("danger");
        error.managedProperty().bind(error.visibleProperty());
        error.setVisible(false);
        VBox box = new VBox(8, running, socketLabel, socket, error, note);
        box.setPadding(new Insets(8, 12, 4, 12));
        getDialogPane().setContent(box);
        getDialogPane().getButtonTypes().addAll(ATTACH, ButtonType.CANCEL);
        getDialogPane().setId("attachDialog");
        Node attach = getDialogPane().lookupButton(ATTACH);
        attach.setId("attachButton");
        javafx.beans.property.BooleanProperty attaching = new javafx.beans.property.SimpleBooleanProperty();
        attach.disableProperty().bind(socket.textProperty().isEmpty().or(attaching));
        // The dialog stays open while it connects, and on a failure, with the reason and the path still there.
        attach.addEventFilter(ActionEvent.ACTION, e -> {
            e.consume();
            Path chosen;
            try {
                chosen = Path.of(socket.getText().trim());
            } catch (java.nio.file.InvalidPathException bad) {
                showError("not a path: " + bad.getMessage());
                return;
            }
            attaching.set(true);
            error.setVisible(false);
            this.attach.apply(chosen).whenComplete((ok, failed) -> Platform.runLater(() -> {
                attaching.set(false);
                Throwable cause = failed instanceof java.util.concurrent.CompletionException && failed.getCause() != null
                        ? failed.getCause() : failed;
                if (cause == null || cause instanceof java.util.concurrent.CancellationException) {
                    setResult(chosen);
                    close();
                } else {
                    showError("Cannot attach to " + chosen + ": " + cause.getMessage());
                }
            }));
        });
        setResultConverter(b -> b == ATTACH ? Path.of(socket.getText().trim()) : null);
        found.whenComplete((list, error) -> Platform.runLater(() -> {
            if (error != null) {
                placeholder.setText("Could not look for running procdecks: " + error.getMessage());
            } else {
                placeholder.setText("No other procdeck of yours is running on this machine. Start one with"
                        + " procdeck start in a project folder, or type a socket below.");
                running.getItems().setAll(list);
                if (!list.isEmpty()) {
                    running.getSelectionModel().selectFirst();
                } else {
                    socket.requestFocus(); // nothing to pick: typing goes to the socket field
                }
            }
        }));
        setOnShown(e -> running.requestFocus());
    }

    /** "demo — /home/me/demo — pid 4242". */
    static String describe(ControlClient.Target t) {
        return t.app() + " \u2014 " + t.root() + " \u2014 pid " + t.pid();
    }

    /** What Attach does with the chosen socket; the dialog closes once it completes, and shows why it failed. */
    void setOnAttach(java.util.function.Function<Path, CompletableFuture<Void>> attach) {
        this.attach = attach;
    }

    private void showError(String text) {
        error.setText(text);
        error.setVisible(true);
        if (getDialogPane().getScene() != null && getDialogPane().getScene().getWindow() != null) {
            getDialogPane().getScene().getWindow().sizeToScene(); // room for the message's lines
        }
    }

    Label error() {
        return error;
    }

    ListView<ControlClient.Target> running() {
        return running;
    }

    TextField socket() {
        return socket;
    }
}
