package dev.procdeck.supervisor;

import java.time.Duration;

/** Short human renderings of durations for events and the dashboard: "450 ms", "4 s", "2 min 5 s", "3 h 2 min". */
public final class Durations {
    private Durations() {
    }

    /** "58 ms", "1.2 s", then as {@link #humanize}: a job's few seconds deserve a tenth, unlike an uptime. */
    public static String runLength(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return (ms / 1000) + "." + (ms % 1000) / 100 + " s";
        }
        return humanize(d);
    }

    public static String humanize(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = (ms + 500) / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
        }
        return (s / 3600) + " h" + ((s % 3600) / 60 == 0 ? "" : " " + (s % 3600) / 60 + " min");
    }

    /** With tenths of a second below a minute, for how long something took: "0.3 s", "1.2 s", "2 min 5 s". */
    public static String tenths(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 60_000) {
            return (ms / 1000) + "." + (ms % 1000) / 100 + " s";
        }
        return humanize(d);
    }
}
