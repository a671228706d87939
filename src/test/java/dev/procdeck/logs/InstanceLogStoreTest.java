package dev.procdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceLogStoreTest {
    private long seq;

    private LogLine line(String instance, String text) {
        return new LogLine(++seq, Instant.EPOCH.plusSeconds(seq), instance, LogStream.STDOUT, text);
    }

    @Test
    void aChattyInstanceLosesItsOwnOldestLinesNotTheQuietOnes() {
        InstanceLogStore store = new InstanceLogStore(100, 1 << 30, 1 << 30);
        store.add(line("quiet.1", "q1"));
        store.add(line("quiet.2", "q2"));
        for (int i = 0; i < 1000; i++) {
            store.add(line("noisy.1", "n" + i));
        }
        assertThat(store.size()).isEqualTo(100);
        assertThat(store.stats("quiet.1").orElseThrow().complete()).isTrue();
        assertThat(store.stats("quiet.2").orElseThrow().kept()).isEqualTo(1);
        InstanceLogStore.InstanceStats noisy = store.stats("noisy.1").orElseThrow();
        assertThat(noisy.kept()).isEqualTo(98);
        assertThat(noisy.received()).isEqualTo(1000);
        assertThat(noisy.dropped()).isEqualTo(902);
        assertThat(noisy.oldest().text()).isEqualTo("n902");
        // Merged back by sequence: the quiet lines first, then noisy's newest.
        List<LogLine> all = store.lines(l -> true);
        assertThat(all.get(0).text()).isEqualTo("q1");
        assertThat(all.get(1).text()).isEqualTo("q2");
        assertThat(all.get(99).text()).isEqualTo("n999");
        assertThat(store.newest(l -> l.instance().startsWith("quiet"), 1)).extracting(LogLine::text).containsExactly("q2");
    }

    @Test
    void eachInstanceHasAByteBudgetAndTheWholeStoreAnother() {
        long per = 10 * LogRingBuffer.sizeOf(line("x.1", "0123456789"));
        InstanceLogStore store = new InstanceLogStore(1_000_000, 3 * per, per);
        for (int i = 0; i < 50; i++) {
            store.add(line("a.1", "0123456789"));
            store.add(line("b.1", "0123456789"));
            store.add(line("c.1", "0123456789"));
            store.add(line("d.1", "0123456789"));
        }
        assertThat(store.bytes()).isLessThanOrEqualTo(3 * per);
        for (String i : List.of("a.1", "b.1", "c.1", "d.1")) {
            assertThat(store.stats(i).orElseThrow().kept()).isLessThanOrEqualTo(10).isPositive();
        }
        assertThat(store.dropped()).isEqualTo(200 - store.size());
    }

    @Test
    void aSingleHugeLineStays() {
        InstanceLogStore store = new InstanceLogStore(10, 100, 100);
        store.add(line("a.1", "x".repeat(1000)));
        assertThat(store.size()).isEqualTo(1);
        store.add(line("b.1", "y".repeat(1000)));
        assertThat(store.lines(l -> true)).extracting(LogLine::instance).containsExactly("b.1");
        store.clear();
        assertThat(store.stats()).isEmpty();
    }
}
