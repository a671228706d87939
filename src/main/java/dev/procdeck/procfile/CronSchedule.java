package dev.procdeck.procfile;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A 5-field cron expression, {@code minute hour day-of-month month day-of-week}, with Vixie cron's meaning:
 * {@code *}, lists, ranges, steps ({@code *}{@code /15}, {@code 1-5}, {@code 0-30/10}), month and weekday names,
 * 0 or 7 for Sunday, and, when both day fields are restricted (neither starts with {@code *}), a day matches
 * either of them.
 *
 * <p>Local wall-clock times, with daylight saving handled so that nothing runs twice or is lost: a time that
 * does not exist (spring forward) runs just after the gap, as Vixie cron runs it, e.g. 02:30 at 03:00 (every
 * time in the gap at that one instant, once); a time that exists twice (fall back) runs the first time only.
 *
 * <p>Each field's allowed values ({@link #values}) and the day rule ({@link #daysEither}) are public so that other
 * notations (systemd OnCalendar=, launchd StartCalendarInterval) can be written from them without parsing again.
 */
public final class CronSchedule implements Schedule {

    /** The five fields, in the order they are written, with their ranges. */
    public enum Field {
        MINUTE("minute", 0, 59, List.of()),
        HOUR("hour", 0, 23, List.of()),
        DAY_OF_MONTH("day-of-month", 1, 31, List.of()),
        MONTH("month", 1, 12, List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                "dec")),
        /** 0 to 6 from Sunday; 7 is accepted as Sunday and read as 0. */
        DAY_OF_WEEK("day-of-week", 0, 7, List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat"));

        private final String label;
        private final int min;
        private final int max;
        private final List<String> names;

        Field(String label, int min, int max, List<String> names) {
            this.label = label;
            this.min = min;
            this.max = max;
            this.names = names;
        }

        /** The highest value after parsing (Sunday as 7 is stored as 0). */
        private int lastValue() {
            return this == DAY_OF_WEEK ? 6 : max;
        }
    }

    /**
     * Every calendar pattern repeats within the 400-year Gregorian cycle, so an expression that matches no day
     * in one cycle never matches; {@link #next} never searches further than this.
     */
    private static final int CYCLE_DAYS = 146_097;
    private static final LocalDate CYCLE_START = LocalDate.of(2000, 1, 1);

    private final String text;
    /** The five fields as parsed: single spaces, lower case. */
    private final String expression;
    private final long minutes;
    private final long hours;
    private final long daysOfMonth;
    private final long months;
    /** Bits 0..6, Sunday = 0. */
    private final long daysOfWeek;
    private final boolean dayOfMonthStar;
    private final boolean dayOfWeekStar;

    private CronSchedule(String text, String expression, long minutes, long hours, long daysOfMonth, long months, long daysOfWeek,
                         boolean dayOfMonthStar, boolean dayOfWeekStar) {
        this.text = text;
        this.expression = expression;
        this.minutes = minutes;
        this.hours = hours;
        this.daysOfMonth = daysOfMonth;
        this.months = months;
        this.daysOfWeek = daysOfWeek;
        this.dayOfMonthStar = dayOfMonthStar;
        this.dayOfWeekStar = dayOfWeekStar;
    }

    /**
     * @param text       as written by the user ({@code hourly} or the expression), for {@link #text()}
     * @param expression the 5 fields
     */
    static CronSchedule parse(String text, String expression) {
        String[] fields = expression.strip().split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("invalid schedule '" + text + "': a cron expression has 5 fields"
                    + " (minute hour day-of-month month day-of-week), found " + fields.length);
        }
        long minutes = field(text, Field.MINUTE, fields[0]);
        long hours = field(text, Field.HOUR, fields[1]);
        long doms = field(text, Field.DAY_OF_MONTH, fields[2]);
        long months = field(text, Field.MONTH, fields[3]);
        long dows = field(text, Field.DAY_OF_WEEK, fields[4]);
        if ((dows & (1L << 7)) != 0) {
            dows = (dows & ~(1L << 7)) | 1L; // 7 is Sunday too
        }
        String normalised = String.join(" ", fields).toLowerCase(Locale.ROOT);
        CronSchedule schedule = new CronSchedule(text, normalised, minutes, hours, doms, months, dows,
                fields[2].startsWith("*"), fields[4].startsWith("*"));
        if (schedule.firstDayFrom(CYCLE_START, CYCLE_DAYS) == null) {
            throw new IllegalArgumentException("schedule '" + text + "' never runs: no date has that day of month"
                    + " in that month (like 31 in February); fix the day-of-month or month field");
        }
        return schedule;
    }

    /** A set of values as bits; names are accepted where the field has them (jan, mon...). */
    private static long field(String text, Field which, String field) {
        String name = which.label;
        int min = which.min;
        int max = which.max;
        List<String> names = which.names;
        long bits = 0;
        for (String item : field.split(",", -1)) {
            String problem = null;
            int step = 1;
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                Integer parsedStep = number(item.substring(slash + 1), List.of(), 0);
                if (parsedStep == null || parsedStep < 1 || parsedStep > max - min + 1) {
                    problem = "the step after '/' must be a whole number from 1 to " + (max - min + 1);
                } else {
                    step = parsedStep;
                }
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else {
                int dash = range.indexOf('-');
                Integer a = number(dash >= 0 ? range.substring(0, dash) : range, names, min);
                Integer b = dash >= 0 ? number(range.substring(dash + 1), names, min) : a;
                if (a == null || b == null || a < min || b > max) {
                    problem = "values are " + min + "-" + max + (names.isEmpty() ? ""
                            : " or names (" + names.get(0) + "-" + names.get(names.size() - 1) + ")");
                    a = min;
                    b = min;
                } else if (a > b) {
                    problem = "range " + range + " runs backwards; write it lowest first";
                }
                from = a;
                // "5/15" means 5-max/15, as in Vixie cron and most of its descendants.
                to = dash < 0 && slash >= 0 ? max : b;
            }
            if (problem != null) {
                throw new IllegalArgumentException("invalid " + name + " field '" + field + "' in schedule '" + text
                        + "': " + problem);
            }
            for (int v = from; v <= to; v += step) {
                bits |= 1L << v;
            }
        }
        return bits;
    }

    /** A number or, if the field has names, a 3-letter name; null if neither. */
    private static Integer number(String token, List<String> names, int firstValue) {
        if (token.matches("\\d{1,2}")) {
            return Integer.parseInt(token);
        }
        int index = names.indexOf(token.toLowerCase(Locale.ROOT));
        return index < 0 ? null : index + firstValue;
    }

    @Override
    public String text() {
        return text;
    }

    /**
     * The five fields as a cron line, single-spaced and in lower case: {@code hourly} is {@code 0 * * * *},
     * {@code daily} {@code 0 0 * * *}.
     */
    public String expression() {
        return expression;
    }

    /** The values a field allows, ascending; day-of-week counts 0 to 6 from Sunday. */
    public SortedSet<Integer> values(Field field) {
        long bits = bits(field);
        SortedSet<Integer> values = new TreeSet<>();
        for (int v = field.min; v <= field.lastValue(); v++) {
            if ((bits & (1L << v)) != 0) {
                values.add(v);
            }
        }
        return Collections.unmodifiableSortedSet(values);
    }

    /** Whether a field allows every value of its range, as {@code *} does, so that it restricts nothing. */
    public boolean allowsAny(Field field) {
        long all = (1L << (field.lastValue() + 1)) - (1L << field.min);
        return bits(field) == all;
    }

    /**
     * Cron's day rule: when both day-of-month and day-of-week are restricted (neither starts with {@code *}), a
     * day matching either is enough; otherwise a day must match both (one of them being {@code *}).
     */
    public boolean daysEither() {
        return !dayOfMonthStar && !dayOfWeekStar;
    }

    private long bits(Field field) {
        return switch (field) {
            case MINUTE -> minutes;
            case HOUR -> hours;
            case DAY_OF_MONTH -> daysOfMonth;
            case MONTH -> months;
            case DAY_OF_WEEK -> daysOfWeek;
        };
    }

    @Override
    public ZonedDateTime next(ZonedDateTime after) {
        LocalDateTime start = after.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        LocalDate day = start.toLocalDate();
        LocalDate limit = day.plusDays(CYCLE_DAYS + 1);
        while (day.isBefore(limit)) {
            day = firstDayFrom(day, (int) ChronoUnit.DAYS.between(day, limit));
            if (day == null) {
                break;
            }
            LocalTime from = day.equals(start.toLocalDate()) ? start.toLocalTime() : LocalTime.MIDNIGHT;
            ZonedDateTime found = firstTimeOn(day, from, after);
            if (found != null) {
                return found;
            }
            day = day.plusDays(1);
        }
        // Unreachable for an expression that parse accepted: it matches within every 400 years.
        throw new IllegalStateException("schedule '" + text + "' has no run within 400 years of " + after);
    }

    /**
     * The earliest instant after {@code after} among this day's times from {@code from} on. Times are tried in
     * local order; a time in a DST gap moves to the gap's end, so a later local time can still be the earlier
     * instant, and the scan goes on until local times pass the best found.
     */
    private ZonedDateTime firstTimeOn(LocalDate day, LocalTime from, ZonedDateTime after) {
        ZonedDateTime best = null;
        for (int h = from.getHour(); h < 24; h++) {
            if ((hours & (1L << h)) == 0) {
                continue;
            }
            for (int m = h == from.getHour() ? from.getMinute() : 0; m < 60; m++) {
                if ((minutes & (1L << m)) == 0) {
                    continue;
                }
                LocalDateTime local = LocalDateTime.of(day, LocalTime.of(h, m));
                if (best != null && local.isAfter(best.toLocalDateTime())) {
                    return best;
                }
                var rules = after.getZone().getRules();
                ZonedDateTime candidate = rules.getValidOffsets(local).isEmpty()
                        // In a spring-forward gap: just after it (the transition), not shifted by its length.
                        ? rules.getTransition(local).getInstant().atZone(after.getZone())
                        : ZonedDateTime.ofLocal(local, after.getZone(), null);
                if (!candidate.isAfter(after)) {
                    // In a fall-back overlap, after may be in the second pass: the same wall time, later offset.
                    candidate = candidate.withLaterOffsetAtOverlap();
                }
                if (candidate.isAfter(after) && (best == null || candidate.isBefore(best))) {
                    best = candidate;
                }
            }
        }
        return best;
    }

    /** The first day from {@code from} (inclusive) whose date matches, looking at most {@code days} days ahead. */
    private LocalDate firstDayFrom(LocalDate from, int days) {
        LocalDate limit = from.plusDays(days);
        LocalDate day = from;
        while (day.isBefore(limit)) {
            if ((months & (1L << day.getMonthValue())) == 0) {
                day = day.with(TemporalAdjusters.firstDayOfNextMonth());
                continue;
            }
            if (dayMatches(day)) {
                return day;
            }
            day = day.plusDays(1);
        }
        return null;
    }

    private boolean dayMatches(LocalDate day) {
        boolean dom = (daysOfMonth & (1L << day.getDayOfMonth())) != 0;
        boolean dow = (daysOfWeek & (1L << (day.getDayOfWeek().getValue() % 7))) != 0;
        return daysEither() ? dom || dow : dom && dow;
    }

    /** Whether a local wall-clock time is one of this schedule's times (for tests and descriptions). */
    boolean matches(LocalDateTime time) {
        return time.getSecond() == 0 && time.getNano() == 0
                && (minutes & (1L << time.getMinute())) != 0 && (hours & (1L << time.getHour())) != 0
                && (months & (1L << time.getMonthValue())) != 0 && dayMatches(time.toLocalDate());
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronSchedule c && c.text.equals(text) && c.expression.equals(expression)
                && c.minutes == minutes && c.hours == hours
                && c.daysOfMonth == daysOfMonth && c.months == months && c.daysOfWeek == daysOfWeek
                && c.dayOfMonthStar == dayOfMonthStar && c.dayOfWeekStar == dayOfWeekStar;
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
