package dev.procdeck.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.animation.PauseTransition;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * Crash notices as one toast in the window's corner: crashes that come while it shows join it ("3 instances
 * crashed") rather than stacking a toast each. While the window is not focused, crashes are also counted for the
 * title ("(2 crashed)") and, where notify-send exists, sent to the desktop, off the FX thread and never waited for.
 */
final class CrashToasts extends VBox {
    static final Duration SHOWN_FOR = Duration.seconds(8);
    private static final int NAMES_LISTED = 4;

    private final Label title = new Label();
    private final Label text = new Label();
    private final List<DashboardViewModel.CrashNotice> shown = new ArrayList<>();
    private final PauseTransition hideLater = new PauseTransition(SHOWN_FOR);
    private final ReadOnlyIntegerWrapper unseen = new ReadOnlyIntegerWrapper(this, "unseen", 0);
    private DesktopNotifier desktop = DesktopNotifier.NOTIFY_SEND;

    /** Sends a notification to the desktop; the default runs notify-send if it is on the PATH. */
    interface DesktopNotifier {
        void send(String title, String body);

        DesktopNotifier NOTIFY_SEND = (title, body) -> {
            Thread t = new Thread(() -> notifySend().ifPresent(cmd -> {
                try {
                    new ProcessBuilder(cmd.toString(), "--app-name=Procdeck", "--icon=dialog-warning",
                            "--", title, body) // a title or body that starts with - is text, not an option
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                } catch (java.io.IOException e) {
                    // No notification daemon, say: the title badge still tells.
                }
            }), "procdeck-notify");
            t.setDaemon(true);
            t.start();
        };
    }

    CrashToasts() {
        super(4);
        getStyleClass().add("crash-toast");
        setId("crashToast");
        setMaxSize(Region.USE_PREF_SIZE, Region.USE_PREF_SIZE);
        setPrefWidth(340);
        title.getStyleClass().add("crash-toast-title");
        title.setId("crashToastTitle");
        title.setGraphic(Icons.icon(Icons.ALERT));
        text.setWrapText(true);
        text.getStyleClass().add("crash-toast-text");
        Button close = Icons.only(new Button(), Icons.CLOSE, "Dismiss");
        close.getStyleClass().addAll("flat", "crash-toast-close");
        close.setFocusTraversable(false);
        close.setOnAction(e -> dismiss());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(6, title, spacer, close);
        head.setAlignment(Pos.CENTER_LEFT);
        Label hint = new Label("Turn these off in View › Crash Notifications");
        hint.getStyleClass().add("crash-toast-hint");
        getChildren().addAll(head, text, hint);
        setVisible(false);
        setManaged(false);
        hideLater.setOnFinished(e -> dismiss());
        BorderPane.setAlignment(this, Pos.BOTTOM_RIGHT);
    }

    void setDesktopNotifier(DesktopNotifier notifier) {
        this.desktop = notifier;
    }

    /** Crashes since the window last had the focus (for the title badge). */
    ReadOnlyIntegerProperty unseenProperty() {
        return unseen.getReadOnlyProperty();
    }

    /** The window got the focus: the user has seen it. */
    void seen() {
        unseen.set(0);
    }

    void show(DashboardViewModel.CrashNotice notice, boolean windowFocused) {
        shown.add(notice);
        render(notice);
        setVisible(true);
        setManaged(true);
        hideLater.playFromStart();
        if (!windowFocused) {
            unseen.set(unseen.get() + 1);
            desktop.send(notice.instance() + " crashed", notice.message());
        }
    }

    /** The crash is over (the instance is up again, or stopped): it leaves the toast, and the toast when alone. */
    void withdraw(DashboardViewModel.CrashNotice notice) {
        if (shown.remove(notice)) {
            if (shown.isEmpty()) {
                dismiss();
            } else {
                render(shown.get(shown.size() - 1));
            }
        }
    }

    /** Crash notices on screen now. */
    int showing() {
        return isVisible() ? shown.size() : 0;
    }

    private void render(DashboardViewModel.CrashNotice latest) {
        int n = shown.size();
        if (n == 1) {
            title.setText(latest.instance() + " crashed");
            text.setText(latest.message());
        } else {
            title.setText(n + " instances crashed");
            List<String> names = shown.stream().map(DashboardViewModel.CrashNotice::instance).distinct().toList();
            String listed = String.join(", ", names.subList(0, Math.min(NAMES_LISTED, names.size())))
                    + (names.size() > NAMES_LISTED ? " and " + (names.size() - NAMES_LISTED) + " more" : "");
            text.setText(listed + "\nlatest: " + latest.instance() + " " + latest.message());
        }
    }

    void dismiss() {
        hideLater.stop();
        shown.clear();
        setVisible(false);
        setManaged(false);
    }

    String titleText() {
        return title.getText();
    }

    /** notify-send on the PATH, if any. Looks at the disk: not on the FX thread. */
    static Optional<Path> notifySend() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "notify-send");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
