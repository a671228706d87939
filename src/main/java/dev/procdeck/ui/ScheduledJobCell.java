package dev.procdeck.ui;

import java.time.Instant;
import java.util.Map;
import java.util.WeakHashMap;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * What a scheduled type shows in the Scale column instead of an instance count: whether its schedule is on (a
 * scale above 0 turns it on), its summary ("every 20s · next 13:20:00 · last: exit 0 after 58 ms", the latest
 * runs in its tooltip) and a Run now button. One per type row, reused as cells are recycled.
 */
final class ScheduledJobCell extends HBox {
    private static final Map<TypeRow, ScheduledJobCell> CELLS = new WeakHashMap<>();

    static ScheduledJobCell of(TypeRow type, DashboardViewModel model) {
        return CELLS.computeIfAbsent(type, t -> new ScheduledJobCell(t, model.jobs()));
    }

    private ScheduledJobCell(TypeRow type, ScheduledJobsModel jobs) {
        super(4);
        String name = type.typeName();
        setId("job-" + name);
        setAlignment(Pos.CENTER_LEFT);
        CheckBox on = new CheckBox();
        on.setId("job-on-" + name);
        on.setSelected(type.scaleProperty().get() > 0);
        on.setTooltip(new Tooltip("Schedule on: its ticks run while the project runs"));
        type.scaleProperty().addListener((o, a, n) -> on.setSelected(n.intValue() > 0));
        on.selectedProperty().addListener((o, a, selected) -> {
            if (selected != (type.scaleProperty().get() > 0)) {
                type.scaleProperty().set(selected ? 1 : 0);
            }
        });
        // The schedule ("every 20s"); the state column shows the next run and Last exit the last one, so the rest
        // of the summary is in the tooltip, with the latest runs.
        Label summary = new Label();
        summary.setId("job-summary-" + name);
        summary.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> scheduleOf(jobs.summaryProperty(name).get()), jobs.summaryProperty(name)));
        summary.setWrapText(true);
        summary.setMinHeight(Label.USE_PREF_SIZE);
        // Narrow, the schedule wraps between its words ("every" over "20s") rather than being cut.
        summary.minWidthProperty().bind(javafx.beans.binding.Bindings.createDoubleBinding(
                () -> ColumnFit.widestWord(summary.getText(), summary.getFont()) + summary.snappedLeftInset()
                        + summary.snappedRightInset(), summary.textProperty(), summary.fontProperty()));
        HBox.setHgrow(summary, Priority.ALWAYS);
        Tooltip history = new Tooltip();
        history.setOnShowing(e -> history.setText(jobs.summaryProperty(name).get() + "\n\n"
                + jobs.historyText(name, Instant.now())));
        summary.setTooltip(history);
        Button runNow = Icons.on(new Button(), Icons.START);
        runNow.setId("job-runNow-" + name);
        runNow.getStyleClass().addAll("flat", "small");
        runNow.setTooltip(new Tooltip("Run " + name + " now"));
        runNow.setOnAction(e -> jobs.runNow(name));
        getChildren().addAll(on, runNow, summary);
    }

    /** "every 20s" of "every 20s · next 13:20:00 · last: exit 0 after 58 ms". */
    static String scheduleOf(String summary) {
        if (summary == null) {
            return "";
        }
        int dot = summary.indexOf(" \u00b7 ");
        return dot < 0 ? summary : summary.substring(0, dot);
    }
}
