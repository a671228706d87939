package dev.procdeck.ui;

import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import java.util.ArrayList;
import java.util.List;
import javafx.css.CssMetaData;
import javafx.css.SimpleStyleableObjectProperty;
import javafx.css.StyleConverter;
import javafx.css.Styleable;
import javafx.css.StyleableObjectProperty;
import javafx.css.StyleableProperty;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;

/**
 * A small line chart of the last few minutes of one figure (CPU or memory of an instance), drawn on a canvas
 * in a table cell. The samples are the metrics the table shows anyway, one every two seconds.
 */
final class Sparkline extends Canvas {
    /** Five minutes of samples taken every two seconds. */
    static final int SAMPLES = 150;

    /** A fixed ring of samples (the newest last); its size is its byte budget. */
    static final class History {
        private final double[] values;
        private int count;
        private int next;

        History() {
            this(SAMPLES);
        }

        /** A shorter history (the router's request rates: the last minute). */
        History(int capacity) {
            values = new double[capacity];
        }

        void add(double value) {
            values[next] = value;
            next = (next + 1) % values.length;
            count = Math.min(count + 1, values.length);
        }

        void clear() {
            count = 0;
            next = 0;
        }

        int size() {
            return count;
        }

        /** Sample {@code i}, 0 the oldest kept. */
        double get(int i) {
            return values[(next - count + i + values.length) % values.length];
        }

        double max() {
            double m = 0;
            for (int i = 0; i < count; i++) {
                m = Math.max(m, get(i));
            }
            return m;
        }
    }

    /** The line's colour, from the style sheet ({@code -pd-stroke}, a theme colour), so both themes get theirs. */
    private static final CssMetaData<Sparkline, Paint> STROKE = new CssMetaData<>("-pd-stroke",
            StyleConverter.getPaintConverter(), Color.DODGERBLUE) {
        @Override
        public boolean isSettable(Sparkline s) {
            return !s.stroke.isBound();
        }

        @Override
        public StyleableProperty<Paint> getStyleableProperty(Sparkline s) {
            return s.stroke;
        }
    };
    private static final List<CssMetaData<? extends Styleable, ?>> CSS;

    static {
        List<CssMetaData<? extends Styleable, ?>> all = new ArrayList<>(Canvas.getClassCssMetaData());
        all.add(STROKE);
        CSS = List.copyOf(all);
    }

    private final StyleableObjectProperty<Paint> stroke = new SimpleStyleableObjectProperty<>(STROKE, this, "stroke",
            Color.DODGERBLUE);
    private History last;
    private double lastFloor;
    private double lastLimit;
    /** Where the limit line was last drawn (its y), or NaN when none was: for tests, which cannot read a canvas. */
    private double limitY = Double.NaN;

    Sparkline(double width, double height) {
        super(width, height);
        getStyleClass().add("sparkline");
        stroke.addListener(o -> {
            if (last != null) {
                draw(last, lastFloor, lastLimit); // the style sheet's colour arrived after the first drawing
            }
        });
    }

    @Override
    public List<CssMetaData<? extends Styleable, ?>> getCssMetaData() {
        return CSS;
    }

    /**
     * Draws the history scaled to {@code floor} at least (CPU: 100 % would flatten everything, so the scale is
     * the larger of the floor and the highest sample).
     */
    void draw(History h, double floor) {
        draw(h, floor, 0);
    }

    /**
     * As {@link #draw(History, double)}, with a horizontal line at {@code limit} (a memory quota) when it is above 0
     * and the samples have reached half of it: far above them it would flatten the trend, so it shows as they near it.
     */
    void draw(History h, double floor, double limit) {
        last = h;
        lastFloor = floor;
        lastLimit = limit;
        limitY = Double.NaN;
        Color stroke = this.stroke.get() instanceof Color c ? c : Color.DODGERBLUE;
        GraphicsContext g = getGraphicsContext2D();
        double w = getWidth();
        double ht = getHeight();
        g.clearRect(0, 0, w, ht);
        g.setFill(stroke.deriveColor(0, 1, 1, 0.25));
        g.fillRect(0, ht - 1, w, 1); // the baseline shows where the line will grow
        int n = h.size();
        if (n < 2) {
            return;
        }
        double top = Math.max(floor, h.max());
        if (limit > 0 && h.max() >= limit / 2) {
            top = Math.max(top, limit); // nearing the limit: the scale takes it in, so that the line shows
        }
        // The first 20 s are spread over the width (a line a few pixels wide says nothing), then up to five minutes.
        double step = w / (Math.max(n, 10) - 1);
        double x0 = w - (n - 1) * step;
        g.setFill(stroke.deriveColor(0, 1, 1, 0.18));
        g.beginPath();
        g.moveTo(x0, ht);
        for (int i = 0; i < n; i++) {
            g.lineTo(x0 + i * step, y(h.get(i), top, ht));
        }
        g.lineTo(x0 + (n - 1) * step, ht);
        g.closePath();
        g.fill();
        g.setStroke(stroke);
        g.setLineWidth(1.2);
        g.beginPath();
        for (int i = 0; i < n; i++) {
            double x = x0 + i * step;
            double y = y(h.get(i), top, ht);
            if (i == 0) {
                g.moveTo(x, y);
            } else {
                g.lineTo(x, y);
            }
        }
        g.stroke();
        if (limit > 0 && limit <= top) {
            limitY = Math.round(y(limit, top, ht)) + 0.5; // on a pixel row: a crisp line, not two blurred ones
            g.setStroke(stroke.deriveColor(0, 1, 1, 0.7));
            g.setLineWidth(1);
            g.setLineDashes(3, 2);
            g.strokeLine(0, limitY, w, limitY);
            g.setLineDashes((double[]) null);
        }
    }

    /** The y of the limit line drawn last, NaN when there was none. */
    double limitY() {
        return limitY;
    }

    private static double y(double v, double top, double height) {
        return height - 1 - (top <= 0 ? 0 : v / top) * (height - 2);
    }
}
