package dev.procdeck.procfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random cron expressions and instants: next is always later, matches, and skips no earlier match. */
class SchedulePropertiesTest {

    @Provide
    Arbitrary<String> cron() {
        return Combinators.combine(field(0, 59), field(0, 23), field(1, 31), field(1, 12), field(0, 7))
                .as((m, h, dom, mon, dow) -> m + " " + h + " " + dom + " " + mon + " " + dow);
    }

    /** One field: *, a value, a range, a step or a list of those, always within bounds. */
    private static Arbitrary<String> field(int min, int max) {
        Arbitrary<Integer> value = Arbitraries.integers().between(min, max);
        Arbitrary<String> item = Arbitraries.oneOf(
                Arbitraries.just("*"),
                value.map(String::valueOf),
                Combinators.combine(value, value).as((a, b) -> Math.min(a, b) + "-" + Math.max(a, b)),
                Arbitraries.integers().between(1, max - min + 1).map(s -> "*/" + s),
                Combinators.combine(value, value, Arbitraries.integers().between(1, Math.min(10, max - min + 1)))
                        .as((a, b, s) -> Math.min(a, b) + "-" + Math.max(a, b) + "/" + s));
        return Arbitraries.oneOf(item, item.list().ofMinSize(2).ofMaxSize(3).map(l -> String.join(",", l)));
    }

    @Provide
    Arbitrary<ZonedDateTime> instant() {
        Arbitrary<Instant> when = Arbitraries.longs().between(0, 4_102_444_800L) // 1970..2100
                .map(Instant::ofEpochSecond);
        Arbitrary<ZoneId> zone = Arbitraries.of("UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
                "America/Sao_Paulo").map(ZoneId::of);
        return Combinators.combine(when, zone).as(ZonedDateTime::ofInstant);
    }

    private static CronSchedule parseOrNull(String expression) {
        try {
            return (CronSchedule) Schedule.parse(expression);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).contains("never runs"); // the generator only makes impossible dates
            return null;
        }
    }

    @Property(tries = 400)
    void nextIsLaterInTheSameZoneAndMatchesUnlessMovedPastAGap(@ForAll("cron") String expression,
                                                               @ForAll("instant") ZonedDateTime after) {
        CronSchedule schedule = parseOrNull(expression);
        if (schedule == null) {
            return;
        }
        ZonedDateTime next = schedule.next(after);
        assertThat(next).isAfter(after);
        assertThat(next.getZone()).isEqualTo(after.getZone());
        assertThat(next.getSecond()).isZero();
        // Only a wall time that does not exist is moved, to the gap's end; then a time in the gap matches.
        assertThat(schedule.matches(next.toLocalDateTime()) || matchesInGapEndingAt(schedule, next))
                .as("%s after %s gave %s", expression, after, next).isTrue();
    }

    /** Whether {@code t} is the end of a DST gap and some minute inside the gap matches. */
    private static boolean matchesInGapEndingAt(CronSchedule schedule, ZonedDateTime t) {
        var transition = t.getZone().getRules().previousTransition(t.toInstant().plusNanos(1));
        if (transition == null || !transition.isGap() || !transition.getInstant().equals(t.toInstant())) {
            return false;
        }
        for (var local = transition.getDateTimeBefore(); local.isBefore(transition.getDateTimeAfter());
             local = local.plusMinutes(1)) {
            if (schedule.matches(local)) {
                return true;
            }
        }
        return false;
    }

    @Property(tries = 200)
    void noMatchingMinuteIsSkippedInUtc(@ForAll("cron") String expression, @ForAll("instant") ZonedDateTime any) {
        CronSchedule schedule = parseOrNull(expression);
        if (schedule == null) {
            return;
        }
        ZonedDateTime after = any.withZoneSameInstant(ZoneOffset.UTC);
        ZonedDateTime next = schedule.next(after);
        // Brute force over the minutes in between, when there are not too many of them.
        LocalDateTime t = after.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        if (ChronoUnit.MINUTES.between(t, next.toLocalDateTime()) > 10_000) {
            return;
        }
        for (; t.isBefore(next.toLocalDateTime()); t = t.plusMinutes(1)) {
            assertThat(schedule.matches(t)).as("%s matches %s, before %s", expression, t, next).isFalse();
        }
        assertThat(schedule.matches(next.toLocalDateTime())).isTrue();
    }

    /**
     * The structure the exporters translate (each field's values, the day rule) says the same as the schedule's
     * own matching, so an exported schedule runs when procdeck's would.
     */
    @Property(tries = 300)
    void theExposedFieldsMatchWhatTheScheduleMatches(@ForAll("cron") String expression,
                                                     @ForAll("instant") ZonedDateTime any) {
        CronSchedule schedule = parseOrNull(expression);
        if (schedule == null) {
            return;
        }
        LocalDateTime t = any.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES);
        boolean dom = schedule.values(CronSchedule.Field.DAY_OF_MONTH).contains(t.getDayOfMonth());
        boolean dow = schedule.values(CronSchedule.Field.DAY_OF_WEEK).contains(t.getDayOfWeek().getValue() % 7);
        boolean expected = schedule.values(CronSchedule.Field.MINUTE).contains(t.getMinute())
                && schedule.values(CronSchedule.Field.HOUR).contains(t.getHour())
                && schedule.values(CronSchedule.Field.MONTH).contains(t.getMonthValue())
                && (schedule.daysEither() ? dom || dow : dom && dow);
        assertThat(schedule.matches(t)).as("%s at %s", expression, t).isEqualTo(expected);
        for (CronSchedule.Field f : CronSchedule.Field.values()) {
            int size = schedule.values(f).size();
            int range = switch (f) {
                case MINUTE -> 60;
                case HOUR -> 24;
                case DAY_OF_MONTH -> 31;
                case MONTH -> 12;
                case DAY_OF_WEEK -> 7;
            };
            assertThat(schedule.allowsAny(f)).as("%s %s", expression, f).isEqualTo(size == range);
        }
    }

    @Property(tries = 200)
    void everyIsExactlyItsIntervalLater(@ForAll("instant") ZonedDateTime after) {
        for (String expression : new String[] {"every 1s", "every 7m", "every 25h"}) {
            IntervalSchedule schedule = (IntervalSchedule) Schedule.parse(expression);
            assertThat(Duration.between(after, schedule.next(after))).isEqualTo(schedule.interval());
        }
    }
}
