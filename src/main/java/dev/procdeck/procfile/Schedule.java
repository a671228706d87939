package dev.procdeck.procfile;

import java.time.ZonedDateTime;

/**
 * When a scheduled type runs: {@code every 2s}, {@code every 10m}, {@code hourly}, {@code daily} or a 5-field
 * cron expression ({@code 0 3 * * *}), in local time. Ticks missed while procdeck was not running are not
 * replayed.
 *
 * <p>{@link #parse} makes an {@link IntervalSchedule} or a {@link CronSchedule} ({@code hourly} and {@code daily}
 * are cron), whose structure lets other notations (the exporters') be written without parsing again. Not sealed,
 * so that tests can fake a schedule's ticking.
 */
public interface Schedule {

    /** The expression as written in procdeck.yml. */
    String text();

    /** The first tick strictly after {@code after}, in {@code after}'s zone. */
    ZonedDateTime next(ZonedDateTime after);

    /**
     * Whether ticks are elapsed time ({@code every 10s}) rather than wall-clock times: the timer's own (monotonic)
     * delay then decides, so setting the wall clock back does not hold a tick until the clock catches up.
     */
    default boolean measuresElapsedTime() {
        return false;
    }

    /**
     * Parses an expression.
     *
     * @throws IllegalArgumentException with a message naming what is wrong and the valid forms
     */
    static Schedule parse(String text) {
        return Schedules.parse(text);
    }
}
