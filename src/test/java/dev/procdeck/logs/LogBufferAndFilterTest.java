package dev.procdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LogBufferAndFilterTest {
    private static long seq;

    private static LogLine line(String instance, LogStream stream, String text) {
        return new LogLine(++seq, Instant.EPOCH, instance, stream, text);
    }

    @Test
    void ringBufferKeepsTheNewestAndCountsTheDropped() {
        LogRingBuffer buffer = new LogRingBuffer(3);
        for (int i = 1; i <= 5; i++) {
            buffer.add(line("web.1", LogStream.STDOUT, "l" + i));
        }
        assertThat(buffer.toList()).extracting(LogLine::text).containsExactly("l3", "l4", "l5");
        assertThat(buffer.dropped()).isEqualTo(2);
        buffer.clear();
        assertThat(buffer.size()).isZero();
        assertThat(buffer.dropped()).isZero();
    }

    @Test
    void lineQueueIsBoundedAndDrainsInOrder() {
        LineQueue queue = new LineQueue(2);
        queue.onLines(List.of(line("a.1", LogStream.STDOUT, "1"), line("a.1", LogStream.STDOUT, "2"),
                line("a.1", LogStream.STDOUT, "3")));
        assertThat(queue.drain()).extracting(LogLine::text).containsExactly("2", "3");
        assertThat(queue.takeDropped()).isEqualTo(1);
        assertThat(queue.takeDropped()).isZero();
        assertThat(queue.drain()).isEmpty();
    }

    @Test
    void theLineQueueSaysWhoseLinesItDropped() {
        LineQueue queue = new LineQueue(3);
        byte[] two = "x\ny\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        queue.onBatch(new LogBatch("noisy.1", LogStream.STDOUT, Instant.EPOCH, 0, 2, two, true));
        queue.onBatch(new LogBatch("quiet.1", LogStream.STDOUT, Instant.EPOCH, 2, 2, two, true));
        queue.onBatch(new LogBatch("noisy.1", LogStream.STDOUT, Instant.EPOCH, 4, 2, two, true));
        // Whole batches leave first, oldest first, until the rest fits: noisy's first, then quiet's.
        assertThat(queue.drain()).extracting(LogLine::instance).containsExactly("noisy.1", "noisy.1");
        assertThat(queue.takeDroppedByInstance()).containsOnly(Map.entry("noisy.1", 2L), Map.entry("quiet.1", 2L));
        assertThat(queue.takeDroppedByInstance()).isEmpty();
    }

    @Test
    void linesLostBeforeTheStoreMakeTheirInstancesHistoryIncomplete() {
        InstanceLogStore store = new InstanceLogStore(100, 1 << 20, 1 << 20);
        store.add(line("noisy.1", LogStream.STDOUT, "kept"));
        store.noteLost("noisy.1", 5);
        store.add(line("quiet.1", LogStream.STDOUT, "all"));
        assertThat(store.stats("noisy.1").orElseThrow().complete()).isFalse();
        assertThat(store.stats("noisy.1").orElseThrow().received()).isEqualTo(6);
        assertThat(store.stats("quiet.1").orElseThrow().complete()).isTrue();
    }

    @Test
    void filtersByTypeInstanceStreamAndText() {
        LogLine web1 = line("web.1", LogStream.STDOUT, "GET /health 200");
        LogLine web2 = line("web.2", LogStream.STDERR, "\u001b[31mERROR\u001b[0m boom");
        LogLine worker = line("worker.1", LogStream.STDOUT, "job done");
        LogLine system = line("web.1", LogStream.SYSTEM, "web.1 crashed");
        assertThat(LogFilter.ALL.matches(web1)).isTrue();
        assertThat(LogFilter.ALL.withHiddenTypes(Set.of("web")).matches(web2)).isFalse();
        assertThat(LogFilter.ALL.withHiddenInstances(Set.of("web.2")).matches(web1)).isTrue();
        assertThat(LogFilter.ALL.withHiddenInstances(Set.of("web.2")).matches(web2)).isFalse();
        assertThat(LogFilter.ALL.withStreams(EnumSet.of(LogStream.STDERR)).matches(web2)).isTrue();
        assertThat(LogFilter.ALL.withStreams(EnumSet.of(LogStream.STDERR)).matches(system)).isFalse();
        LogFilter error = LogFilter.ALL.withQuery("error", false, false);
        assertThat(error.matches(web2)).isTrue();
        assertThat(error.matches(worker)).isFalse();
        assertThat(LogFilter.ALL.withQuery("error", false, true).matches(web2)).isFalse();
        assertThat(LogFilter.ALL.withQuery("31m", false, false).matches(web2)).as("codes are not text").isFalse();
        assertThat(LogFilter.ALL.withQuery("GET /\\w+ 2\\d\\d", true, false).matches(web1)).isTrue();
        assertThat(LogFilter.ALL.withQuery("a.b", false, false).matches(line("x.1", LogStream.STDOUT, "axb")))
                .as("plain queries are not regexes").isFalse();
    }

    @Test
    void matchRangesForHighlightingAndInvalidRegexIsReported() {
        LogFilter f = LogFilter.ALL.withQuery("o", false, false);
        assertThat(f.matchRanges("foo bOo")).containsExactly(new int[] {1, 2}, new int[] {2, 3}, new int[] {5, 6},
                new int[] {6, 7});
        assertThatThrownBy(() -> LogFilter.ALL.withQuery("(", true, false))
                .isInstanceOf(UserRegex.InvalidRegexException.class).hasMessage("missing closing ): `(`");
    }

    @Test
    void sixtyKilobyteLinesStayWithinTheRingBuffersByteBudget() {
        long budget = 8L * 1024 * 1024;
        LogRingBuffer buffer = new LogRingBuffer(100_000, budget);
        String big = "z".repeat(60 * 1024);
        for (int i = 0; i < 2_000; i++) { // 120 MB of text by line count alone
            buffer.add(new LogLine(i, Instant.EPOCH, "web.1", LogStream.STDOUT, big, true));
            assertThat(buffer.bytes()).isLessThanOrEqualTo(budget);
        }
        assertThat(buffer.size()).isBetween(1, (int) (budget / (60 * 1024 * 2)));
        assertThat(buffer.dropped()).isEqualTo(2_000 - buffer.size());
        assertThat(buffer.get(buffer.size() - 1).sequence()).isEqualTo(1_999);
    }

    @Test
    void sixtyKilobyteLinesStayWithinTheLineQueuesByteBudgetAndDecodeOnDrain() {
        long budget = 1024 * 1024;
        LineQueue queue = new LineQueue(20_000, budget);
        byte[] line = ("w".repeat(60 * 1024) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < 1_000; i++) {
            queue.onBatch(new LogBatch("web.1", LogStream.STDOUT, Instant.EPOCH, i, 1, line, true));
            assertThat(queue.pendingBytes()).isLessThanOrEqualTo(budget);
        }
        List<LogLine> drained = queue.drain();
        assertThat(drained).isNotEmpty().hasSizeLessThanOrEqualTo((int) (budget / line.length));
        assertThat(drained.get(drained.size() - 1).sequence()).isEqualTo(999);
        assertThat(drained.get(0).text()).hasSize(60 * 1024);
        assertThat(queue.takeDropped()).isEqualTo(1_000 - drained.size());
    }
}
