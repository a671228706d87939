package dev.procdeck.export;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A procdeck.yml schedule ({@code every 10m}, {@code hourly}, {@code daily} or a 5-field cron expression, local
 * time) taken apart so that each manager's own notation can be written from it: a systemd OnCalendar=, launchd
 * StartCalendarInterval dictionaries, a CronJob's cron line.
 *
 * @param text   as written in procdeck.yml
 * @param every  the interval of {@code every N}, else null
 * @param fields the five cron fields (minute, hour, day of month, month, day of week) expanded to their values,
 *               null for {@code every N}; {@code hourly} and {@code daily} are their cron equivalents
 */
record ScheduleSpec(String text, Duration every, List<Field> fields) {

    /**
     * One cron field: the values it allows, whether it was {@code *} (any value), and whether it started with
     * {@code *} ({@code *}{@code /2} too), which is what cron's day-of-month/day-of-week rule looks at.
     */
    record Field(TreeSet<Integer> values, boolean any, boolean star) {
    }

    static final int MINUTE = 0;
    static final int HOUR = 1;
    static final int DAY_OF_MONTH = 2;
    static final int MONTH = 3;
    static final int DAY_OF_WEEK = 4;

    private static final Pattern EVERY = Pattern.compile("every\\s+(\\d{1,6})\\s*([smhd])");
    private static final int[][] RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};
    private static final String[] FIELD_NAMES = {"minute", "hour", "day of month", "month", "day of week"};
    private static final List<String> MONTHS =
            List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
    private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");

    static ScheduleSpec parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher every = EVERY.matcher(t);
        if (every.matches()) {
            long n = Long.parseLong(every.group(1));
            if (n == 0) {
                throw new IllegalArgumentException("'" + text + "' repeats every 0; give a positive interval");
            }
            Duration d = switch (every.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return new ScheduleSpec(text, d, null);
        }
        String cron = switch (t) {
            case "hourly", "@hourly" -> "0 * * * *";
            case "daily", "@daily" -> "0 0 * * *";
            default -> t;
        };
        String[] parts = cron.split("\\s+");
        if (parts.length != 5) {
            throw new IllegalArgumentException("'" + text + "' is not a schedule; write every 30s, every 10m,"
                    + " hourly, daily or a cron expression of 5 fields (minute hour day month weekday)");
        }
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fields.add(field(text, i, parts[i]));
        }
        return new ScheduleSpec(text, null, fields);
    }

    private static Field field(String text, int index, String part) {
        int lo = RANGES[index][0];
        int hi = RANGES[index][1];
        TreeSet<Integer> values = new TreeSet<>();
        for (String item : part.split(",", -1)) {
            int step = 1;
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                step = number(text, index, item.substring(slash + 1));
                range = item.substring(0, slash);
                if (step < 1) {
                    throw bad(text, index, item, "a step must be at least 1");
                }
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = lo;
                to = hi;
            } else if (range.contains("-")) {
                int dash = range.indexOf('-');
                from = value(text, index, range.substring(0, dash));
                to = value(text, index, range.substring(dash + 1));
            } else {
                from = value(text, index, range);
                to = slash >= 0 ? hi : from;
            }
            if (from < lo || to > hi || from > to) {
                throw bad(text, index, item, "values go from " + lo + " to " + hi);
            }
            for (int v = from; v <= to; v += step) {
                values.add(index == DAY_OF_WEEK && v == 7 ? 0 : v);
            }
        }
        boolean any = part.equals("*") || part.equals("*/1");
        return new Field(values, any, part.startsWith("*"));
    }

    private static int value(String text, int index, String s) {
        List<String> names = index == MONTH ? MONTHS : index == DAY_OF_WEEK ? DAYS : List.of();
        int named = names.indexOf(s);
        if (named >= 0) {
            return index == MONTH ? named + 1 : named;
        }
        return number(text, index, s);
    }

    private static int number(String text, int index, String s) {
        if (!s.matches("\\d{1,2}")) {
            throw bad(text, index, s, "expected a number");
        }
        return Integer.parseInt(s);
    }

    private static IllegalArgumentException bad(String text, int index, String item, String why) {
        return new IllegalArgumentException("'" + item + "' in the " + FIELD_NAMES[index] + " field of '" + text
                + "': " + why);
    }

    boolean isInterval() {
        return every != null;
    }

    Field field(int index) {
        return fields.get(index);
    }

    /**
     * Cron's rule: when both day of month and day of week are restricted, either one matching is enough; when
     * one is {@code *}, only the other counts.
     */
    boolean daysEither() {
        return !field(DAY_OF_MONTH).star() && !field(DAY_OF_WEEK).star();
    }

    /** The 5-field cron line for a Kubernetes CronJob (minutes at the finest). */
    String cronLine() {
        if (!isInterval()) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "hourly", "@hourly" -> "0 * * * *";
                case "daily", "@daily" -> "0 0 * * *";
                default -> String.join(" ", t.split("\\s+"));
            };
        }
        long seconds = every.toSeconds();
        String cannot = "'" + text + "' cannot be written as a cron line, which counts whole minutes and repeats"
                + " within the hour or day: use a number of minutes that divides 60 (every 15m), of hours that divides"
                + " 24 (every 6h), or a cron expression";
        if (seconds % 60 != 0) {
            throw new IllegalArgumentException(cannot);
        }
        long minutes = seconds / 60;
        if (minutes == 1) {
            return "* * * * *";
        }
        if (minutes < 60 && 60 % minutes == 0) {
            return "*/" + minutes + " * * * *";
        }
        if (minutes % 60 == 0) {
            long hours = minutes / 60;
            if (hours == 1) {
                return "0 * * * *";
            }
            if (hours < 24 && 24 % hours == 0) {
                return "0 */" + hours + " * * *";
            }
            if (hours == 24) {
                return "0 0 * * *";
            }
        }
        throw new IllegalArgumentException(cannot);
    }
}
