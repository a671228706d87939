package dev.procdeck.procfile;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * {@code every 10m}: a fixed interval of elapsed time, aligned to nothing (the first tick is one interval after
 * the type is started). Elapsed time, not wall-clock time, so a DST change neither doubles nor skips a run.
 */
public record IntervalSchedule(String text, Duration interval) implements Schedule {

    public IntervalSchedule {
        Objects.requireNonNull(text, "text");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
    }

    @Override
    public ZonedDateTime next(ZonedDateTime after) {
        return after.plus(interval);
    }

    @Override
    public boolean measuresElapsedTime() {
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
