package dev.procdeck.ui;

import javafx.geometry.Orientation;
import javafx.scene.control.Label;
import javafx.scene.layout.Region;

/**
 * A row's state as a pill ("up", "1 starting, 1 up") and what qualifies it in muted text ("restart to apply",
 * "waiting for http /health", "4 s"): beside the pill where the column has room, else under it, wrapping. The
 * pill is never cut; the row grows rather than the text being elided.
 */
final class StateBadge extends Region {
    private static final double GAP = 6;
    private final Label pill = new Label();
    private final Label qualifier = new Label();

    StateBadge() {
        getStyleClass().add("state-badge");
        pill.getStyleClass().add("badge");
        pill.setMinWidth(Region.USE_PREF_SIZE);
        qualifier.getStyleClass().add("badge-qualifier");
        qualifier.setWrapText(true);
        getChildren().addAll(pill, qualifier);
    }

    /** "up · restart to apply": the pill says the state, the rest (after the first " · ") qualifies it. */
    void show(String state, String kind) {
        String text = state == null ? "" : state;
        int dot = text.indexOf(" \u00b7 ");
        pill.setText(dot < 0 ? text : text.substring(0, dot));
        qualifier.setText(dot < 0 ? "" : text.substring(dot + 3));
        qualifier.setVisible(dot >= 0);
        pill.getStyleClass().removeIf(s -> s.startsWith("badge-"));
        pill.getStyleClass().add("badge-" + kind);
    }

    Label pill() {
        return pill;
    }

    Label qualifier() {
        return qualifier;
    }

    private boolean qualified() {
        return qualifier.isVisible() && !qualifier.getText().isEmpty();
    }

    private boolean besides(double width) {
        return !qualified() || pill.prefWidth(-1) + GAP + qualifier.prefWidth(-1) <= width;
    }

    @Override
    public Orientation getContentBias() {
        return Orientation.HORIZONTAL;
    }

    @Override
    protected double computeMinWidth(double height) {
        double words = qualified() ? ColumnFit.widestWord(qualifier.getText(), qualifier.getFont())
                + qualifier.snappedLeftInset() + qualifier.snappedRightInset() : 0;
        return snappedLeftInset() + snappedRightInset() + Math.max(pill.prefWidth(-1), words);
    }

    @Override
    protected double computePrefWidth(double height) {
        return snappedLeftInset() + snappedRightInset() + pill.prefWidth(-1)
                + (qualified() ? GAP + qualifier.prefWidth(-1) : 0);
    }

    @Override
    protected double computePrefHeight(double width) {
        double inner = width < 0 ? Double.MAX_VALUE : width - snappedLeftInset() - snappedRightInset();
        double pillHeight = pill.prefHeight(-1);
        double h = !qualified() ? pillHeight
                : besides(inner) ? Math.max(pillHeight, qualifier.prefHeight(-1))
                : pillHeight + 1 + qualifier.prefHeight(Math.max(0, inner));
        return snappedTopInset() + snappedBottomInset() + h;
    }

    @Override
    protected void layoutChildren() {
        double x = snappedLeftInset();
        double y = snappedTopInset();
        double inner = getWidth() - snappedLeftInset() - snappedRightInset();
        double innerHeight = getHeight() - snappedTopInset() - snappedBottomInset();
        double pw = pill.prefWidth(-1);
        double ph = pill.prefHeight(-1);
        if (!qualified()) {
            pill.resizeRelocate(x, y + (innerHeight - ph) / 2, pw, ph);
        } else if (besides(inner)) {
            double qw = Math.min(qualifier.prefWidth(-1), Math.max(0, inner - pw - GAP));
            double qh = qualifier.prefHeight(qw);
            pill.resizeRelocate(x, y + (innerHeight - ph) / 2, pw, ph);
            qualifier.resizeRelocate(x + pw + GAP, y + (innerHeight - qh) / 2, qw, qh);
        } else {
            double qh = qualifier.prefHeight(inner);
            double top = y + Math.max(0, (innerHeight - ph - 1 - qh) / 2);
            pill.resizeRelocate(x, top, pw, ph);
            qualifier.resizeRelocate(x, top + ph + 1, inner, qh);
        }
    }
}
