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
import javafx.scene.control.Button;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * A type's scale: a stepper (−, a number field, +) and, where there is room for at least {@link #PX_PER_STEP}
 * pixels a step, a slider over 0..20. A typed value applies on Enter or when the field loses focus; anything that
 * is not a whole number from 0 to {@link Formation#MAX_SCALE} is refused with a message, never clamped. A change
 * of more than {@link #CONFIRM_ABOVE} instances at once asks first. The slider applies when released; while it is
 * dragged the field shows the count a release would ask for.
 */
public final class ScaleField extends HBox {
    /** A bigger jump than this asks for confirmation. */
    static final int CONFIRM_ABOVE = 20;
    static final int NARROW_MAX = 20;
    /** A slider step narrower than this cannot be hit with a mouse (3 px a step landed 3 on 5). */
    static final double PX_PER_STEP = 8;
    /** What the slider's thumb and padding take beyond its steps. */
    private static final double THUMB = 20;
    private static final PseudoClass INVALID = PseudoClass.getPseudoClass("invalid");

    /** Asks whether to go from one count to another; the default shows a dialog. */
    static BiPredicate<Integer, Integer> confirmer = ScaleField::askToConfirm;

    private final TextField field = new TextField();
    private final Slider slider = new Slider(0, NARROW_MAX, 0);
    private final Button minus = new Button();
    private final Button plus = new Button();
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
        field.setMinWidth(44);
        field.setPrefWidth(44);
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
        slider.setMinWidth(Region.USE_PREF_SIZE);
        slider.setFocusTraversable(false); // the field is the keyboard's way in (Up/Down step it)
        slider.setPrefWidth(PX_PER_STEP * NARROW_MAX + THUMB);
        slider.maxProperty().addListener(o -> slider.setPrefWidth(sliderWidth()));
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
        for (Button b : new Button[] {minus, plus}) {
            Icons.only(b, b == minus ? Icons.MINUS : Icons.PLUS, b == minus ? "One fewer" : "One more");
            b.getStyleClass().addAll("scale-step", "flat");
            b.setFocusTraversable(false); // Up and Down in the field do the same from the keyboard
            b.setMinWidth(Region.USE_PREF_SIZE);
        }
        minus.setTooltip(new Tooltip("One instance fewer (Down in the field)"));
        plus.setTooltip(new Tooltip("One instance more (Up in the field)"));
        minus.setOnAction(e -> request(Math.max(0, current - 1)));
        plus.setOnAction(e -> request(Math.min(Formation.MAX_SCALE, current + 1)));
        messageLabel.getStyleClass().add("scale-message");
        messageLabel.setWrapText(true);
        messageLabel.setMaxWidth(280);
        CustomMenuItem holder = new CustomMenuItem(messageLabel, true);
        messagePopup.getItems().add(holder);
        messagePopup.getStyleClass().add("scale-message-popup");
        getChildren().addAll(minus, field, plus, slider);
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
        minus.setId("scale-minus-" + type);
        plus.setId("scale-plus-" + type);
    }

    /** An idle cell's field answers to no type's name. */
    void clearIds() {
        for (javafx.scene.Node n : new javafx.scene.Node[] {field, slider, minus, plus}) {
            n.setId(null);
        }
    }

    /** The stepper alone: the slider is extra, shown only where it gets {@link #PX_PER_STEP} a step. */
    private double stepperWidth() {
        return minus.prefWidth(-1) + field.prefWidth(-1) + plus.prefWidth(-1) + 2 * getSpacing();
    }

    private double sliderWidth() {
        return PX_PER_STEP * slider.getMax() + THUMB;
    }

    @Override
    protected double computeMinWidth(double height) {
        return snappedLeftInset() + snappedRightInset() + stepperWidth();
    }

    @Override
    protected double computePrefWidth(double height) {
        return computeMinWidth(height) + getSpacing() + sliderWidth();
    }

    @Override
    protected void layoutChildren() {
        double room = getWidth() - computeMinWidth(-1) - getSpacing();
        boolean fits = room >= sliderWidth();
        if (slider.isManaged() != fits) {
            slider.setManaged(fits);
            slider.setVisible(fits);
        }
        super.layoutChildren();
    }

    private void showCurrent() {
        updating = true;
        try {
            field.setText(Integer.toString(current));
            slider.setMax(Math.max(NARROW_MAX, current));
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
