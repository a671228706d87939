package dev.procdeck.ui;

import dev.procdeck.supervisor.Formation;
import java.util.function.BiPredicate;
import java.util.function.IntConsumer;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.geometry.Side;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.CustomMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * A type's scale: a number field and a slider. A typed value applies on Enter or when the field loses focus;
 * anything that is not a whole number from 0 to {@link Formation#MAX_SCALE} is refused with a message, never
 * clamped. A change of more than {@link #CONFIRM_ABOVE} instances at once asks first. The slider moves one
 * instance per step over 0..20, or 0..100 when its range is widened; it applies when released, and while it is
 * dragged the field shows the count a release would ask for.
 */
public final class ScaleField extends HBox {
    /** A bigger jump than this asks for confirmation. */
    static final int CONFIRM_ABOVE = 20;
    static final int NARROW_MAX = 20;
    private static final PseudoClass INVALID = PseudoClass.getPseudoClass("invalid");

    /** Asks whether to go from one count to another; the default shows a dialog. */
    static BiPredicate<Integer, Integer> confirmer = ScaleField::askToConfirm;

    private final TextField field = new TextField();
    private final Slider slider = new Slider(0, NARROW_MAX, 0);
    private final ToggleButton wider = new ToggleButton();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ContextMenu messagePopup = new ContextMenu();
    private final Label messageLabel = new Label();
    private IntConsumer onScale = n -> { };
    private int current;
    private boolean updating;

    public ScaleField() {
        super(4);
        getStyleClass().add("scale-field");
        setAlignment(Pos.CENTER_LEFT);
        field.getStyleClass().add("scale-text");
        field.setPrefColumnCount(3);
        field.setMinWidth(48);
        field.setPrefWidth(48);
        field.setAlignment(Pos.CENTER_RIGHT);
        field.setOnAction(e -> commit());
        field.focusedProperty().addListener((o, was, now) -> {
            if (!now) {
                commit();
            }
        });
        field.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                showCurrent();
                e.consume();
            } else if (e.getCode() == KeyCode.UP || e.getCode() == KeyCode.DOWN) {
                request(Math.max(0, Math.min(Formation.MAX_SCALE, current + (e.getCode() == KeyCode.UP ? 1 : -1))));
                e.consume();
            }
        });
        slider.setMajorTickUnit(1);
        slider.setMinorTickCount(0);
        slider.setSnapToTicks(true);
        slider.setBlockIncrement(1);
        slider.setMinWidth(90);
        slider.setPrefWidth(140);
        slider.setFocusTraversable(false); // the field is the keyboard's way in (Up/Down step it)
        HBox.setHgrow(slider, Priority.ALWAYS);
        slider.valueChangingProperty().addListener((o, was, now) -> {
            if (!now) {
                fromSlider();
            }
        });
        slider.valueProperty().addListener((o, a, b) -> {
            if (!slider.isValueChanging()) {
                fromSlider();
            } else if (!updating) {
                // While dragging, the field shows what a release would ask for: a few pixels are several instances.
                field.setText(Integer.toString((int) Math.round(b.doubleValue())));
            }
        });
        Icons.only(wider, Icons.WIDER, "Wider range");
        wider.getStyleClass().add("scale-wider");
        wider.setFocusTraversable(false);
        wider.setTooltip(new Tooltip("Slider range 0–" + Formation.MAX_SCALE + " instead of 0–" + NARROW_MAX));
        wider.selectedProperty().addListener((o, a, on) -> {
            updating = true;
            try {
                slider.setMax(on ? Formation.MAX_SCALE : Math.max(NARROW_MAX, current));
                slider.setMajorTickUnit(on ? 10 : 1);
                slider.setMinorTickCount(on ? 9 : 0);
                slider.setValue(current);
            } finally {
                updating = false;
            }
        });
        messageLabel.getStyleClass().add("scale-message");
        messageLabel.setWrapText(true);
        messageLabel.setMaxWidth(280);
        CustomMenuItem holder = new CustomMenuItem(messageLabel, true);
        messagePopup.getItems().add(holder);
        messagePopup.getStyleClass().add("scale-message-popup");
        getChildren().addAll(field, slider, wider);
        showCurrent();
    }

    /** Told every accepted new count. */
    public void setOnScale(IntConsumer onScale) {
        this.onScale = onScale;
    }

    /** Shows the engine's count (a scale elsewhere, or the refused request's old value). */
    public void setValue(int count) {
        current = count;
        showCurrent();
    }

    public int value() {
        return current;
    }

    /** Why the last typed value was refused, empty when it was not. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public TextField field() {
        return field;
    }

    public Slider slider() {
        return slider;
    }

    void setIds(String type) {
        field.setId("scale-" + type);
        slider.setId("slider-" + type);
        wider.setId("wider-" + type);
    }

    private void showCurrent() {
        updating = true;
        try {
            field.setText(Integer.toString(current));
            if (!wider.isSelected()) {
                slider.setMax(Math.max(NARROW_MAX, current));
            }
            slider.setValue(current);
        } finally {
            updating = false;
        }
        field.pseudoClassStateChanged(INVALID, false);
    }

    private void commit() {
        String text = field.getText() == null ? "" : field.getText().trim();
        if (text.equals(Integer.toString(current))) {
            field.pseudoClassStateChanged(INVALID, false);
            return;
        }
        int requested;
        try {
            requested = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            refuse("“" + Visible.shorten(text) + "” is not a number: type a whole number from 0 to " + Formation.MAX_SCALE);
            return;
        }
        if (requested < 0 || requested > Formation.MAX_SCALE) {
            refuse(requested + " is out of range: a type runs 0 to " + Formation.MAX_SCALE + " instances");
            return;
        }
        request(requested);
    }

    private void fromSlider() {
        if (updating) {
            return;
        }
        int value = (int) Math.round(slider.getValue());
        if (value != current) {
            request(value);
        }
    }

    private void request(int requested) {
        if (Math.abs(requested - current) > CONFIRM_ABOVE && !confirmer.test(current, requested)) {
            showCurrent();
            return;
        }
        message.set("");
        messagePopup.hide();
        current = requested;
        showCurrent();
        onScale.accept(requested);
    }

    private void refuse(String why) {
        message.set(why);
        field.pseudoClassStateChanged(INVALID, true);
        messageLabel.setText(why);
        if (field.getScene() != null && field.getScene().getWindow() != null && field.getScene().getWindow().isShowing()) {
            messagePopup.show(field, Side.BOTTOM, 0, 2);
        }
        // The old value stays in force; the field shows it again so it never claims a count that is not running.
        updating = true;
        try {
            field.setText(Integer.toString(current));
        } finally {
            updating = false;
        }
        field.selectAll();
    }

    private static boolean askToConfirm(int from, int to) {
        ButtonType go = new ButtonType(to > from ? "Start " + (to - from) + " more" : "Stop " + (from - to),
                ButtonBar.ButtonData.OK_DONE);
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION,
                "Scale from " + from + " to " + to + " instances? That " + (to > from ? "starts " : "stops ")
                        + Math.abs(to - from) + " processes at once.", go, ButtonType.CANCEL);
        alert.setTitle("Change scale");
        alert.setHeaderText("Scale to " + to + "?");
        return alert.showAndWait().filter(b -> b == go).isPresent();
    }

    /** Text for messages: at most 20 characters, control characters made visible. */
    private static final class Visible {
        static String shorten(String s) {
            String v = dev.procdeck.procfile.Visible.escape(s);
            return v.length() > 20 ? v.substring(0, 20) + "…" : v;
        }
    }
}
