package dev.procdeck.procfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScheduleTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static ZonedDateTime utc(String local) {
        return LocalDateTime.parse(local).atZone(ZoneOffset.UTC);
    }

    private static ZonedDateTime nextUtc(String expression, String after) {
        return Schedule.parse(expression).next(utc(after));
    }

    @Test
    void everyIsElapsedTimeAlignedToNothing() {
        assertThat(nextUtc("every 2s", "2026-01-01T10:00:00.5")).isEqualTo(utc("2026-01-01T10:00:02.5"));
        assertThat(nextUtc("every 10m", "2026-01-01T10:03")).isEqualTo(utc("2026-01-01T10:13"));
        assertThat(nextUtc("every 3h", "2026-01-01T23:00")).isEqualTo(utc("2026-01-02T02:00"));
        assertThat(Schedule.parse(" Every 5 M ").text()).isEqualTo("Every 5 M");
        // Across the spring-forward gap an hour of elapsed time is an hour, not two on the clock face... or none.
        ZonedDateTime before = ZonedDateTime.of(2026, 3, 8, 1, 30, 0, 0, NEW_YORK);
        ZonedDateTime next = Schedule.parse("every 1h").next(before);
        assertThat(Duration.between(before, next)).isEqualTo(Duration.ofHours(1));
        assertThat(next.toLocalTime()).hasToString("03:30");
    }

    @Test
    void hourlyAndDailyAreOnTheHourAndAtMidnightStrictlyAfter() {
        assertThat(nextUtc("hourly", "2026-01-01T10:15")).isEqualTo(utc("2026-01-01T11:00"));
        assertThat(nextUtc("hourly", "2026-01-01T10:00")).isEqualTo(utc("2026-01-01T11:00"));
        assertThat(nextUtc("hourly", "2026-01-01T10:59:59.999")).isEqualTo(utc("2026-01-01T11:00"));
        assertThat(nextUtc("daily", "2026-02-28T00:00")).isEqualTo(utc("2026-03-01T00:00"));
        assertThat(nextUtc("daily", "2026-12-31T23:59")).isEqualTo(utc("2027-01-01T00:00"));
        assertThat(Schedule.parse("daily").text()).isEqualTo("daily");
    }

    /** What the exporters translate from: an interval as a Duration, cron as its fields' values. */
    @Test
    void theStructureOfAScheduleIsThereForOtherNotations() {
        assertThat(((IntervalSchedule) Schedule.parse("every 90S")).interval()).isEqualTo(Duration.ofSeconds(90));
        CronSchedule hourly = (CronSchedule) Schedule.parse("Hourly");
        assertThat(hourly.expression()).isEqualTo("0 * * * *");
        assertThat(hourly.text()).isEqualTo("Hourly");
        assertThat(((CronSchedule) Schedule.parse("@daily")).expression()).isEqualTo("0 0 * * *");
        CronSchedule cron = (CronSchedule) Schedule.parse(" 0,30  9-17/4 1,15 JAN  Sun,7 ");
        assertThat(cron.expression()).isEqualTo("0,30 9-17/4 1,15 jan sun,7");
        assertThat(cron.values(CronSchedule.Field.MINUTE)).containsExactly(0, 30);
        assertThat(cron.values(CronSchedule.Field.HOUR)).containsExactly(9, 13, 17);
        assertThat(cron.values(CronSchedule.Field.DAY_OF_MONTH)).containsExactly(1, 15);
        assertThat(cron.values(CronSchedule.Field.MONTH)).containsExactly(1);
        assertThat(cron.values(CronSchedule.Field.DAY_OF_WEEK)).containsExactly(0);
        assertThat(cron.daysEither()).isTrue();
        assertThat(hourly.daysEither()).isFalse();
        assertThat(hourly.allowsAny(CronSchedule.Field.HOUR)).isTrue();
        assertThat(hourly.allowsAny(CronSchedule.Field.MINUTE)).isFalse();
        // Spelled out in full, a field restricts nothing, as * does; weekday 7 is Sunday, so 1-7 is every day.
        CronSchedule full = (CronSchedule) Schedule.parse("0-59 * 1-31 * 1-7");
        for (CronSchedule.Field f : CronSchedule.Field.values()) {
            assertThat(full.allowsAny(f)).as(f.name()).isTrue();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0 3 * * *            | 2026-01-01T03:00 | 2026-01-02T03:00",
        "*/15 9-17 * * mon-fri| 2026-01-02T17:45 | 2026-01-05T09:00", // Friday evening to Monday morning
        "*/15 9-17 * * 1-5    | 2026-01-05T12:07 | 2026-01-05T12:15",
        "0 0 1,15 * fri       | 2026-01-01T00:00 | 2026-01-02T00:00", // both day fields restricted: 1st, 15th OR Friday
        "0 0 1,15 * fri       | 2026-01-13T00:00 | 2026-01-15T00:00",
        "0 0 */2 * 5          | 2026-01-01T00:00 | 2026-01-09T00:00", // dom starts with '*': odd days AND Friday
        "0 12 * jan,JUL sun   | 2026-01-31T13:00 | 2026-07-05T12:00",
        "0 12 * * 7           | 2026-01-01T00:00 | 2026-01-04T12:00", // 7 is Sunday too
        "0 0 29 2 *           | 2026-03-01T00:00 | 2028-02-29T00:00",
        "5/20 * * * *         | 2026-01-01T00:46 | 2026-01-01T01:05", // 5/20 = 5-59/20
        "0-10/5,30 0 * * *    | 2026-01-01T00:10 | 2026-01-01T00:30",
        "59 23 31 12 *        | 2026-12-31T23:59 | 2027-12-31T23:59",
    })
    void cronFollowsVixieSemantics(String expression, String after, String expected) {
        assertThat(nextUtc(expression.strip(), after.strip())).isEqualTo(utc(expected.strip()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "sometimes", "every", "every 0s", "every 5d", "every -1m", "every 2.5s",
        "every 9999999h", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *",
        "* * * * 8", "5-1 * * * *", "*/0 * * * *", "*/61 * * * *", "a * * * *", "1,,2 * * * *", "* * * foo *",
        "0 0 31 2 *", "0 0 30,31 2 *", "0 0 31 4,6,9,11 *", "0 0 31 2 */7"})
    void invalidExpressionsAreRefusedAtParseTimeWithTheValidForms(String expression) {
        assertThatThrownBy(() -> Schedule.parse(expression)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("schedule", "every"));
    }

    @Test
    void messagesNameTheFieldAndItsRange() {
        assertThatThrownBy(() -> Schedule.parse("61 * * * *"))
                .hasMessage("invalid minute field '61' in schedule '61 * * * *': values are 0-59");
        assertThatThrownBy(() -> Schedule.parse("* * * 13 *"))
                .hasMessage("invalid month field '13' in schedule '* * * 13 *': values are 1-12 or names (jan-dec)");
        assertThatThrownBy(() -> Schedule.parse("0 0 31 2 *")).hasMessageStartingWith("schedule '0 0 31 2 *' never runs");
        assertThatThrownBy(() -> Schedule.parse("tuesdays")).hasMessageContaining("\"every <N>s\"")
                .hasMessageContaining("\"0 3 * * *\"");
    }

    @Test
    void aTimeInTheSpringForwardGapRunsOnceJustAfterIt() {
        // 2026-03-08 02:00 EST becomes 03:00 EDT in New York.
        Schedule at230 = Schedule.parse("30 2 * * *");
        ZonedDateTime first = at230.next(ZonedDateTime.of(2026, 3, 8, 1, 0, 0, 0, NEW_YORK));
        assertThat(first).isEqualTo(ZonedDateTime.of(LocalDateTime.parse("2026-03-08T03:00"), ZoneOffset.ofHours(-4)));
        assertThat(at230.next(first).toLocalDateTime()).isEqualTo(LocalDateTime.parse("2026-03-09T02:30"));

        Schedule quarterly = Schedule.parse("*/15 * * * *");
        ZonedDateTime afterGap = quarterly.next(ZonedDateTime.of(2026, 3, 8, 1, 45, 0, 0, NEW_YORK));
        assertThat(afterGap.toLocalDateTime()).isEqualTo(LocalDateTime.parse("2026-03-08T03:00"));
        assertThat(quarterly.next(afterGap).toLocalDateTime()).isEqualTo(LocalDateTime.parse("2026-03-08T03:15"));

        // Several times in the gap run once, just after it, and then the times after the gap as usual.
        Schedule inGap = Schedule.parse("10,40 2 * * *");
        ZonedDateTime once = inGap.next(ZonedDateTime.of(2026, 3, 8, 1, 0, 0, 0, NEW_YORK));
        assertThat(once.toLocalDateTime()).isEqualTo(LocalDateTime.parse("2026-03-08T03:00"));
        assertThat(inGap.next(once).toLocalDateTime()).isEqualTo(LocalDateTime.parse("2026-03-09T02:10"));
    }

    @Test
    void aTimeInTheFallBackOverlapRunsTheFirstTimeOnly() {
        // 2026-11-01 02:00 EDT becomes 01:00 EST: 01:00-01:59 happens twice.
        Schedule at130 = Schedule.parse("30 1 * * *");
        ZonedDateTime first = at130.next(ZonedDateTime.of(2026, 11, 1, 0, 0, 0, 0, NEW_YORK));
        assertThat(first.getOffset()).isEqualTo(ZoneOffset.ofHours(-4));
        assertThat(first.toLocalDateTime()).isEqualTo(LocalDateTime.parse("2026-11-01T01:30"));
        assertThat(at130.next(first).toLocalDateTime()).isEqualTo(LocalDateTime.parse("2026-11-02T01:30"));

        // Started during the second 01:xx, a run still comes at the next matching time of that second pass.
        ZonedDateTime secondPass = ZonedDateTime.of(2026, 11, 1, 1, 20, 0, 0, NEW_YORK).withLaterOffsetAtOverlap();
        ZonedDateTime next = Schedule.parse("*/15 * * * *").next(secondPass);
        assertThat(next.getOffset()).isEqualTo(ZoneOffset.ofHours(-5));
        assertThat(next.toLocalDateTime()).isEqualTo(LocalDateTime.parse("2026-11-01T01:30"));
        assertThat(next).isAfter(secondPass);
    }
}
