package dev.procdeck.procfile;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers of {@link Schedule} expressions. */
final class Schedules {
    static final String FORMS = "\"every <N>s\", \"every <N>m\", \"every <N>h\", \"hourly\", \"daily\""
            + " or a 5-field cron expression such as \"0 3 * * *\" (minute hour day-of-month month day-of-week)";

    private static final Pattern EVERY = Pattern.compile("every\\s+(\\d{1,7})\\s*([smh])", Pattern.CASE_INSENSITIVE);
    /** Intervals beyond a year are slips; a yearly job is written as cron. */
    private static final Duration MAX_INTERVAL = Duration.ofDays(366);

    private Schedules() {
    }

    static Schedule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty schedule; use " + FORMS);
        }
        String trimmed = text.strip();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "hourly", "@hourly":
                return CronSchedule.parse(trimmed, "0 * * * *");
            case "daily", "@daily", "midnight", "@midnight":
                return CronSchedule.parse(trimmed, "0 0 * * *");
            default:
                break;
        }
        if (lower.startsWith("every")) {
            Matcher m = EVERY.matcher(trimmed);
            if (!m.matches()) {
                throw new IllegalArgumentException("invalid schedule '" + trimmed
                        + "'; write every <N>s, every <N>m or every <N>h with a whole number N of at least 1");
            }
            long n = Long.parseLong(m.group(1));
            if (n < 1) {
                throw new IllegalArgumentException("invalid schedule '" + trimmed + "'; the interval must be at least 1");
            }
            Duration interval = switch (Character.toLowerCase(m.group(2).charAt(0))) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            if (interval.compareTo(MAX_INTERVAL) > 0) {
                throw new IllegalArgumentException("invalid schedule '" + trimmed
                        + "'; intervals go up to 366 days; use a cron expression for rarer runs");
            }
            return new IntervalSchedule(trimmed, interval);
        }
        if (trimmed.split("\\s+").length == 5) {
            return CronSchedule.parse(trimmed, trimmed);
        }
        throw new IllegalArgumentException("invalid schedule '" + trimmed + "'; use " + FORMS);
    }
}
