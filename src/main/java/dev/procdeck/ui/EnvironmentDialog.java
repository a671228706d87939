package dev.procdeck.ui;

import java.util.Locale;
import java.util.Map;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * The variables procdeck set for one instance's run, as it was started with them: PORT, PS, DYNO, the .env values
 * and its type's env (a reload since does not change them until a restart).
 * Values whose names look secret (KEY, SECRET, TOKEN, PASSWORD) are masked until "Reveal secrets" is ticked, so
 * a screen share or a screenshot does not leak them.
 */
final class EnvironmentDialog extends Dialog<Void> {
    static final String MASK = "••••••••";
    private static final String[] SECRET_WORDS = {"KEY", "SECRET", "TOKEN", "PASSWORD"};

    record Entry(String name, String value) {
    }

    private final TableView<Entry> table = new TableView<>();
    private final CheckBox reveal = new CheckBox("Reveal secrets");

    EnvironmentDialog(Window owner, String instance, Map<String, String> env) {
        initOwner(owner);
        setTitle("Environment of " + instance);
        setHeaderText("Environment of " + instance);
        setResizable(true);
        TableColumn<Entry, String> name = new TableColumn<>("Name");
        name.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().name()));
        name.setPrefWidth(200);
        TableColumn<Entry, String> value = new TableColumn<>("Value");
        value.setCellValueFactory(c -> new ReadOnlyStringWrapper(shown(c.getValue().name(),
                dev.procdeck.procfile.Visible.escape(c.getValue().value()), reveal.isSelected())));
        value.setPrefWidth(340);
        table.getColumns().add(name);
        table.getColumns().add(value);
        table.setId("envTable");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setItems(FXCollections.observableArrayList(env.entrySet().stream()
                .map(e -> new Entry(e.getKey(), e.getValue())).toList()));
        table.setPrefSize(560, 320);
        reveal.setId("revealSecrets");
        reveal.selectedProperty().addListener((o, a, b) -> table.refresh());
        Label note = new Label("What procdeck set for this run: PORT, PS and DYNO, the project's .env values and"
                + " its type's env, as the run was started with them (after a reload, a restart applies the new ones)."
                + " The rest of the environment is procdeck's own.");
        note.setWrapText(true);
        note.getStyleClass().add("muted");
        VBox box = new VBox(10, table, reveal, note);
        box.setPadding(Theme.DIALOG_PADDING);
        getDialogPane().setContent(box);
        getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
        getDialogPane().setId("environmentDialog");
    }

    TableView<Entry> table() {
        return table;
    }

    CheckBox reveal() {
        return reveal;
    }

    /** Whether a variable's name says it holds a secret. */
    static boolean isSecret(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (upper.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** What the table shows for a value: the mask for a secret until revealed. */
    static String shown(String name, String value, boolean reveal) {
        return isSecret(name) && !reveal && !value.isEmpty() ? MASK : value;
    }
}
