package dev.procdeck.procfile;

import java.time.ZonedDateTime;

/**
 * When a scheduled type runs: {@code every 2s}, {@code every 10m}, {@code hourly}, {@code daily} or a 5-field
 * cron expression ({@code 0 3 * * *}), in local time. Ticks missed while procdeck was not running are not
 * replayed.
 */
public interface Schedule {

    /** The expression as written in procdeck.yml. */
    String text();

    /** The first tick strictly after {@code after}, in {@code after}'s zone. */
    ZonedDateTime next(ZonedDateTime after);

    /**
     * Parses an expression.
     *
     * @throws IllegalArgumentException with a message naming what is wrong and the valid forms
     */
    static Schedule parse(String text) {
        return Schedules.parse(text);
    }
}
