package dev.procdeck.ui;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.geometry.Rectangle2D;

/**
 * Where the main window opens and what it remembers: position, size and whether it was maximised. A remembered
 * position is clamped to a screen that is there now (a laptop undocked from its second monitor must not open
 * the window off screen).
 */
public record WindowGeometry(double x, double y, double width, double height, boolean maximized) {
    /**
     * The smallest window in which the toolbar, table and filter bar still fit (the filter bar's controls keep
     * their labels: about 935 px; at 900 the whole window was laid out wider than itself and cut on the right).
     */
    public static final double MIN_WIDTH = 960;
    public static final double MIN_HEIGHT = 560;
    /** A comfortable first size, used where the screen allows it. */
    static final double COMFORTABLE_WIDTH = 1280;
    static final double COMFORTABLE_HEIGHT = 800;

    /** The first window on a screen with these visual bounds (without panels): comfortable, centred. */
    public static WindowGeometry initial(Rectangle2D screen) {
        double w = screen.getWidth() * 0.9 >= COMFORTABLE_WIDTH
                ? Math.min(Math.max(COMFORTABLE_WIDTH, screen.getWidth() * 0.75), 1600) : screen.getWidth() * 0.9;
        double h = screen.getHeight() * 0.9 >= COMFORTABLE_HEIGHT
                ? Math.min(Math.max(COMFORTABLE_HEIGHT, screen.getHeight() * 0.8), 1000) : screen.getHeight() * 0.9;
        return centredOn(screen, Math.floor(w), Math.floor(h), false);
    }

    /**
     * This geometry moved onto the screens there are: onto the one it overlaps most, shrunk to fit it and moved
     * fully inside; centred on {@code primary} when it overlaps none.
     */
    public WindowGeometry clampTo(List<Rectangle2D> screens, Rectangle2D primary) {
        Rectangle2D best = null;
        double bestArea = 0;
        for (Rectangle2D s : screens) {
            double area = overlap(s);
            if (area > bestArea) {
                bestArea = area;
                best = s;
            }
        }
        if (best == null) {
            return centredOn(primary, Math.min(width, primary.getWidth()), Math.min(height, primary.getHeight()),
                    maximized);
        }
        double w = Math.min(width, best.getWidth());
        double h = Math.min(height, best.getHeight());
        double nx = Math.max(best.getMinX(), Math.min(x, best.getMaxX() - w));
        double ny = Math.max(best.getMinY(), Math.min(y, best.getMaxY() - h));
        return new WindowGeometry(nx, ny, w, h, maximized);
    }

    private double overlap(Rectangle2D s) {
        double w = Math.min(x + width, s.getMaxX()) - Math.max(x, s.getMinX());
        double h = Math.min(y + height, s.getMaxY()) - Math.max(y, s.getMinY());
        return w > 0 && h > 0 ? w * h : 0;
    }

    private static WindowGeometry centredOn(Rectangle2D s, double w, double h, boolean maximized) {
        return new WindowGeometry(Math.floor(s.getMinX() + (s.getWidth() - w) / 2),
                Math.floor(s.getMinY() + (s.getHeight() - h) / 2), w, h, maximized);
    }

    /** {@code x,y,width,height,maximized}, as saved in the preferences. */
    public String encode() {
        return String.format(Locale.ROOT, "%.0f,%.0f,%.0f,%.0f,%b", x, y, width, height, maximized);
    }

    /** A saved geometry, or empty when the text is not one (an older or hand-edited preference). */
    public static Optional<WindowGeometry> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String[] p = text.split(",");
        if (p.length != 5) {
            return Optional.empty();
        }
        try {
            double w = Double.parseDouble(p[2]);
            double h = Double.parseDouble(p[3]);
            double x = Double.parseDouble(p[0]);
            double y = Double.parseDouble(p[1]);
            if (!(w > 0 && h > 0) || !Double.isFinite(x) || !Double.isFinite(y) || w > 100_000 || h > 100_000) {
                return Optional.empty();
            }
            return Optional.of(new WindowGeometry(x, y, w, h, Boolean.parseBoolean(p[4])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
