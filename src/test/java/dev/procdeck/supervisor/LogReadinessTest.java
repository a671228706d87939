package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LogReadinessTest {
    private final LogBus bus = new LogBus(Clock.systemUTC());
    private final LogReadiness readiness = new LogReadiness();
    private final AtomicInteger matches = new AtomicInteger();

    LogReadinessTest() {
        bus.addListener(readiness);
    }

    @Test
    void matchesOnceOnTheWatchedInstancesOutputAndThenStopsWatching() {
        readiness.watch("web.1", Pattern.compile("ready"), matches::incrementAndGet);
        bus.publish("web.2", LogStream.STDOUT, List.of("ready"));
        bus.event("web.1", "web.1 is ready (an event)");
        assertThat(matches).hasValue(0);
        bus.publish("web.1", LogStream.STDOUT, List.of("booting", "now ready", "ready again"));
        bus.publish("web.1", LogStream.STDOUT, List.of("ready"));
        assertThat(matches).hasValue(1);
        assertThat(readiness.watching("web.1")).isFalse();
    }

    @Test
    void aCancelledWatchNeverFires() {
        LogReadiness.Watch w = readiness.watch("web.1", Pattern.compile("ready"), matches::incrementAndGet);
        readiness.cancel("web.1", w);
        bus.publish("web.1", LogStream.STDOUT, List.of("ready"));
        assertThat(matches).hasValue(0);
    }

    @Test
    void aPatternThatBacktracksWithoutEndCostsABoundedAmountAndLaterLinesStillMatch() {
        // (a+)+b against a long run of a's takes exponential time in a backtracking engine.
        readiness.watch("web.1", Pattern.compile("^(a+)+b|ready"), matches::incrementAndGet);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                bus.publish("web.1", LogStream.STDOUT, List.of("a".repeat(60) + "c")));
        assertThat(matches).hasValue(0);
        bus.publish("web.1", LogStream.STDOUT, List.of("ready"));
        assertThat(matches).hasValue(1);
    }
}
