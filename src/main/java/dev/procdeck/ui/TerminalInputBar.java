package dev.procdeck.ui;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * Input for the terminal of one {@code tty: true} instance, shown under its console: a line field (masked while
 * the program has echo off, as at a password prompt), Send (or Enter), Ctrl+C and Ctrl+D, and the notice that
 * stdout and stderr are one stream. Standalone: whoever shows an instance's console places it and gives it the
 * instance's {@link TerminalInputViewModel}.
 */
public final class TerminalInputBar extends VBox {
    /** How often the terminal's echo state is looked at while the bar is shown. */
    static final Duration REFRESH = Duration.millis(250);

    private final TerminalInputViewModel model;
    private final TextField plainField = new TextField();
    private final PasswordField maskedField = new PasswordField();
    private final Timeline refresher;

    public TerminalInputBar(TerminalInputViewModel model) {
        this.model = model;
        getStyleClass().add("terminal-input-bar");
        setSpacing(2);
        setPadding(new Insets(4));

        plainField.textProperty().bindBidirectional(model.input());
        maskedField.textProperty().bindBidirectional(model.input());
        plainField.setPromptText("input for the process, Enter sends");
        maskedField.setPromptText("hidden input (the process turned echo off)");
        for (TextField field : new TextField[] {plainField, maskedField}) {
            field.setOnAction(e -> model.send());
            field.disableProperty().bind(model.open().not());
        }
        maskedField.visibleProperty().bind(model.masked());
        plainField.visibleProperty().bind(model.masked().not());
        model.masked().addListener((obs, was, now) -> {
            // The prompt changed under the cursor: keep typing into the field that is shown.
            TextField from = now ? plainField : maskedField;
            TextField to = now ? maskedField : plainField;
            if (from.isFocused()) {
                to.requestFocus();
                to.end();
            }
        });
        StackPane fields = new StackPane(plainField, maskedField);
        HBox.setHgrow(fields, Priority.ALWAYS);

        Button send = button("Send", "Send the line and a newline (Enter)", model::send);
        Button interrupt = button("Ctrl+C", "Interrupt: SIGINT to the process's foreground group", model::interrupt);
        Button eof = button("Ctrl+D", "End of input", model::endOfInput);
        HBox row = new HBox(4, fields, send, interrupt, eof);
        row.setAlignment(Pos.CENTER_LEFT);

        Label notice = new Label(TerminalInputViewModel.ONE_STREAM_NOTICE);
        notice.getStyleClass().add("terminal-notice");
        Label status = new Label();
        status.textProperty().bind(model.status());
        status.getStyleClass().add("terminal-status");
        HBox notes = new HBox(12, notice, status);
        getChildren().addAll(row, notes);

        refresher = new Timeline(new KeyFrame(REFRESH, e -> model.refresh()));
        refresher.setCycleCount(Timeline.INDEFINITE);
        sceneProperty().addListener((obs, old, scene) -> {
            if (scene == null) {
                refresher.stop();
            } else {
                refresher.play();
            }
        });
    }

    public TerminalInputViewModel model() {
        return model;
    }

    private Button button(String text, String tooltip, Runnable action) {
        Button button = new Button(text);
        button.setTooltip(new Tooltip(tooltip));
        button.setOnAction(e -> action.run());
        button.setFocusTraversable(false);
        button.disableProperty().bind(model.open().not());
        return button;
    }
}
