package dev.procdeck.ui;

import dev.procdeck.router.RequestStats;
import java.util.Locale;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * What the router measured for one row of the process table (the routed type, or one of its instances): a minute of
 * requests per second for the sparkline, and the last few seconds as the figure ("12 req/s") and its tooltip
 * (latency percentiles, errors). Rows no router sends requests to show nothing. FX thread only.
 */
final class RequestFigures {
    /** The sparkline's minute: one point per {@link MetricsSampler#EVERY}. */
    static final int SAMPLES = 30;
    /** The figure and its tooltip cover this many seconds: one sample's two are too few requests for a p99. */
    static final int RECENT_SECONDS = 10;

    /** Requests per second, one point per sample. */
    final Sparkline.History history = new Sparkline.History(SAMPLES);
    private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper(this, "requests", "");
    /** Counts samples, so that the cell redraws its line and tooltip (the text may stay the same). */
    private final ReadOnlyIntegerWrapper samples = new ReadOnlyIntegerWrapper(this, "samples");
    private RequestStats.Window recent = RequestStats.Window.EMPTY;

    /** A sample: {@code point} for the line (the last sample period), {@code recent} for the figure. */
    void add(RequestStats.Window point, RequestStats.Window recent) {
        this.recent = recent;
        history.add(point.requestsPerSecond());
        text.set(rate(recent.requestsPerSecond()) + " req/s");
        samples.set(samples.get() + 1);
    }

    /** No router sends this row requests (now): no figure, no line. */
    void clear() {
        if (!text.get().isEmpty()) {
            recent = RequestStats.Window.EMPTY;
            text.set("");
            samples.set(samples.get() + 1);
        }
    }

    /** "12 req/s", or empty for a row the router does not serve. */
    ReadOnlyStringProperty textProperty() {
        return text.getReadOnlyProperty();
    }

    ReadOnlyIntegerProperty samplesProperty() {
        return samples.getReadOnlyProperty();
    }

    /** Whether requests failed lately (the router's H codes, or the app's 5xx): the figure shows it. */
    boolean failing() {
        return recent.errorsPerSecond() > 0;
    }

    /**
     * "p50 3 ms · p99 41 ms · 0 errors/s", over the last {@link #RECENT_SECONDS}, then the minute's peak: what the
     * line shows, where it {@code shows}.
     */
    String tooltip(boolean lineShows) {
        String line = lineShows ? "the line: requests per second over the last minute, peak " + rate(history.max()) + " req/s"
                : "peak " + rate(history.max()) + " req/s in the last minute";
        if (recent.requests() == 0) {
            return "no requests in the last " + RECENT_SECONDS + " s\n" + line;
        }
        return "p50 " + millis(recent.p50Millis()) + " \u00b7 p99 " + millis(recent.p99Millis()) + " \u00b7 "
                + rate(recent.errorsPerSecond()) + " errors/s\n" + recent.requests() + " requests in the last "
                + RECENT_SECONDS + " s\n" + line;
    }

    /** A rate as people read it: whole above 10, one decimal below, 0 for none. */
    static String rate(double perSecond) {
        if (perSecond <= 0) {
            return "0";
        }
        return perSecond >= 10 ? String.format(Locale.ROOT, "%.0f", perSecond)
                : String.format(Locale.ROOT, "%.1f", perSecond);
    }

    /** A latency: "0.4 ms", "41 ms", "2.3 s". */
    static String millis(double ms) {
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000);
        }
        return ms >= 10 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.1f ms", ms);
    }
}
