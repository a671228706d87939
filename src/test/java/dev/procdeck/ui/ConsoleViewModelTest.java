package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's model without any window. */
class ConsoleViewModelTest {
    private final ConsoleViewModel model = new ConsoleViewModel(5, Runnable::run);
    private final List<List<LogLine>> appended = new ArrayList<>();
    private final List<Integer> skipped = new ArrayList<>();
    private int resets;
    private long seq;

    ConsoleViewModelTest() {
        model.setRenderer(b -> {
            appended.add(b.lines());
            skipped.add(b.skipped());
        }, () -> resets++);
    }

    private void emit(String instance, LogStream stream, String... texts) {
        List<LogLine> lines = new ArrayList<>();
        for (String t : texts) {
            lines.add(new LogLine(++seq, Instant.EPOCH, instance, stream, t));
        }
        model.sink().onLines(lines);
    }

    @Test
    void linesReachTheViewOnlyOnPulseInOneBatch() {
        emit("web.1", LogStream.STDOUT, "a", "b");
        emit("worker.1", LogStream.STDERR, "c");
        assertThat(appended).isEmpty();
        model.pulse();
        assertThat(appended).hasSize(1);
        assertThat(appended.get(0)).extracting(LogLine::text).containsExactly("a", "b", "c");
        assertThat(model.instances()).containsExactly("web.1", "worker.1");
        assertThat(model.types()).containsExactly("web", "worker");
    }

    @Test
    void capKeepsTheNewestAndCountsTheDropped() {
        emit("web.1", LogStream.STDOUT, "1", "2", "3", "4", "5", "6", "7");
        model.pulse();
        assertThat(model.visibleLines()).extracting(LogLine::text).containsExactly("3", "4", "5", "6", "7");
        assertThat(model.droppedProperty().get()).isEqualTo(2);
        assertThat(model.receivedProperty().get()).isEqualTo(7);
    }

    @Test
    void aFloodIsDrawnWithinTheBudgetAndTheRestCounted() {
        ConsoleViewModel big = new ConsoleViewModel(100_000, Runnable::run);
        List<ConsoleViewModel.Batch> batches = new ArrayList<>();
        big.setRenderer(batches::add, () -> { });
        List<LogLine> flood = new ArrayList<>();
        for (int i = 0; i < ConsoleViewModel.DRAW_BUDGET + 123; i++) {
            flood.add(new LogLine(i, Instant.EPOCH, "web.1", LogStream.STDOUT, "l" + i));
        }
        big.sink().onLines(flood);
        big.pulse();
        assertThat(batches).singleElement().satisfies(b -> {
            assertThat(b.skipped()).isEqualTo(123);
            assertThat(b.lines()).hasSize(ConsoleViewModel.DRAW_BUDGET);
            assertThat(b.lines().get(0).text()).isEqualTo("l123");
        });
        assertThat(big.visibleLines()).hasSize(ConsoleViewModel.DRAW_BUDGET + 123);
        assertThat(big.shownLines()).hasSize(Math.min(big.shownCapacity(), ConsoleViewModel.DRAW_BUDGET + 123));
    }

    @Test
    void filtersResetTheViewAndSelectLines() {
        emit("web.1", LogStream.STDOUT, "GET /", "error: boom");
        emit("web.2", LogStream.STDERR, "warn");
        emit("web.1", LogStream.SYSTEM, "web.1 started");
        model.pulse();
        model.setQuery("ERROR", false, false);
        assertThat(resets).isEqualTo(1);
        assertThat(model.visibleLines()).extracting(LogLine::text).containsExactly("error: boom");
        model.setQuery("", false, false);
        model.setStreams(EnumSet.of(LogStream.STDERR));
        assertThat(model.visibleLines()).extracting(LogLine::text).containsExactly("warn");
        model.setStreams(EnumSet.allOf(LogStream.class));
        model.setHiddenTypes(Set.of("web"));
        assertThat(model.visibleLines()).isEmpty();
    }

    @Test
    void invalidRegexKeepsTheFilterAndSaysWhy() {
        model.setQuery("ok", true, false);
        model.setQuery("([", true, false);
        assertThat(model.queryErrorProperty().get()).isNotEmpty();
        assertThat(model.filterProperty().get().query()).isEqualTo("ok");
    }

    @Test
    void soloShowsOneInstanceAndTogglesBack() {
        emit("web.1", LogStream.STDOUT, "one");
        emit("web.2", LogStream.STDOUT, "two");
        model.pulse();
        model.solo("web.2");
        assertThat(model.visibleLines()).extracting(LogLine::text).containsExactly("two");
        model.solo("web.2");
        assertThat(model.visibleLines()).hasSize(2);
    }

    @Test
    void linesArrivingWhileScrolledUpAreCounted() {
        model.followingProperty().set(false);
        emit("web.1", LogStream.STDOUT, "x", "y");
        model.pulse();
        assertThat(model.unseenProperty().get()).isEqualTo(2);
        model.followingProperty().set(true);
        assertThat(model.unseenProperty().get()).isZero();
    }

    @Test
    void savesPlainTextOfAllOrFilteredLines(@TempDir Path dir) throws Exception {
        emit("web.1", LogStream.STDOUT, "\u001b[31mred\u001b[0m", "plain");
        emit("web.1", LogStream.STDERR, "bad");
        model.pulse();
        Path all = dir.resolve("all.log");
        assertThat(model.save(all, false, ZoneOffset.UTC).get()).isEqualTo(3);
        assertThat(Files.readAllLines(all)).containsExactly("1970-01-01 00:00:00.000 web.1 | red",
                "1970-01-01 00:00:00.000 web.1 | plain", "1970-01-01 00:00:00.000 web.1 ! bad");
        model.setQuery("plain", false, false);
        Path some = dir.resolve("some.log");
        assertThat(model.save(some, true, ZoneOffset.UTC).get()).isEqualTo(1);
    }

    @Test
    void sixtyKilobyteLinesAreBoundedByBytesInStoreAndDrawing() {
        long budget = 4L * 1024 * 1024;
        ConsoleViewModel big = new ConsoleViewModel(100_000, budget, Runnable::run);
        List<Integer> drawnChars = new ArrayList<>();
        big.setRenderer(b -> drawnChars.add(b.lines().stream().mapToInt(l -> l.text().length()).sum()), () -> { });
        byte[] line = ("q".repeat(60 * 1024) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int pulse = 0; pulse < 20; pulse++) {
            for (int i = 0; i < 50; i++) {
                big.sink().onBatch(new dev.procdeck.logs.LogBatch("web.1", LogStream.STDOUT, Instant.EPOCH,
                        ++seq, 1, line, true));
            }
            big.pulse();
        }
        assertThat(big.allLines().stream().mapToLong(dev.procdeck.logs.LogRingBuffer::sizeOf).sum())
                .isLessThanOrEqualTo(budget);
        assertThat(big.droppedProperty().get()).isPositive();
        assertThat(big.receivedProperty().get()).isEqualTo(1000);
        assertThat(drawnChars).allSatisfy(c -> assertThat(c).isLessThanOrEqualTo(ConsoleViewModel.DRAW_CHARS));
    }

    @Test
    void theStatusLineSaysWhatMemoryHoldsOfWhatIsShown() {
        // Each instance may keep about 900 bytes: eight or nine short lines.
        ConsoleViewModel small = new ConsoleViewModel(1000, 1 << 20, 900, Runnable::run, Runnable::run);
        small.setZone(ZoneOffset.UTC);
        List<LogLine> lines = new ArrayList<>();
        lines.add(new LogLine(++seq, Instant.parse("2026-01-01T08:12:00Z"), "web.3", LogStream.STDOUT, "quiet"));
        for (int i = 0; i < 30; i++) {
            lines.add(new LogLine(++seq, Instant.parse("2026-01-01T09:00:00Z"), "noisy.1", LogStream.STDOUT, "n" + i));
        }
        small.sink().onLines(lines);
        small.pulse();
        small.solo("web.3");
        assertThat(small.memoryStatusProperty().get()).isEqualTo("web.3: 1 line since 08:12"); // not "1 lines"
        small.solo("web.3");
        assertThat(small.memoryStatusProperty().get()).containsPattern("noisy.1: newest \\d of 30")
                .contains("1 other instance: every line since 08:12");
        assertThat(ConsoleViewModel.count(2_300_000)).isEqualTo("2.3 M");
    }

    @Test
    void anInvalidPatternNeverThrowsAndSaysWhereItBroke() {
        for (String bad : List.of("([", "*", "a{2,1}", "\\", "(?<name", "[z-a]")) {
            model.setQuery(bad, true, false);
            assertThat(model.queryErrorProperty().get()).as(bad).isNotEmpty();
        }
        model.setQuery("ok", true, false);
        assertThat(model.queryErrorProperty().get()).isEmpty();
    }

    @Test
    void saveNamesTheFileAfterTheProjectAndCopyUsesSavesFormat() {
        assertThat(ConsoleViewModel.saveFileName(Path.of("/home/me/shop"), java.time.LocalDateTime.of(2026, 3, 4, 5, 6, 7)))
                .isEqualTo("shop-20260304-050607.log");
        assertThat(ConsoleViewModel.saveFileName(null, java.time.LocalDateTime.of(2026, 3, 4, 5, 6, 7)))
                .isEqualTo("procdeck-20260304-050607.log");
        model.setZone(ZoneOffset.UTC);
        assertThat(model.format(List.of(new LogLine(1, Instant.EPOCH, "web.1", LogStream.STDERR, "\u001b[31mbad\u001b[0m"))))
                .isEqualTo("1970-01-01 00:00:00.000 web.1 ! bad\n");
    }

    @Test
    void goneInstancesAreMarkedWhileTheirLinesAreInMemoryAndLeaveWithThem() {
        emit("web.1", LogStream.STDOUT, "a");
        emit("web.2", LogStream.STDOUT, "b");
        model.setLiveInstances(Set.of("web.1", "web.2"));
        model.pulse();
        model.setLiveInstances(Set.of("web.1"));
        assertThat(model.instances()).containsExactly("web.1", "web.2");
        assertThat(model.instanceLabel("web.2")).isEqualTo("web.2 (gone; lines in memory)");
        assertThat(model.instanceLabel("web.1")).isEqualTo("web.1");
        emit("web.1", LogStream.STDOUT, "c", "d", "e", "f", "g"); // capacity 5: web.1 loses its own oldest, not b
        model.pulse();
        assertThat(model.visibleLines()).extracting(LogLine::text).containsExactly("b", "d", "e", "f", "g");
        assertThat(model.instances()).containsExactly("web.1", "web.2");
        model.clear();
        assertThat(model.instances()).containsExactly("web.1");
    }
}
