package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

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

    /** What the application's pulse does: the timer's thread decodes, then the FX thread takes the lines. */
    private static void pulse(ConsoleViewModel console) {
        console.prepare();
        console.pulse();
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
        pulse(model);
        assertThat(appended).hasSize(1);
        assertThat(appended.get(0)).extracting(LogLine::text).containsExactly("a", "b", "c");
        assertThat(model.instances()).containsExactly("web.1", "worker.1");
        assertThat(model.types()).containsExactly("web", "worker");
    }

    @Test
    void capKeepsTheNewestAndCountsTheDropped() {
        emit("web.1", LogStream.STDOUT, "1", "2", "3", "4", "5", "6", "7");
        pulse(model);
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
        pulse(big);
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
        pulse(model);
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
        pulse(model);
        model.solo("web.2");
        assertThat(model.visibleLines()).extracting(LogLine::text).containsExactly("two");
        model.solo("web.2");
        assertThat(model.visibleLines()).hasSize(2);
    }

    @Test
    void linesArrivingWhileScrolledUpAreCounted() {
        model.followingProperty().set(false);
        emit("web.1", LogStream.STDOUT, "x", "y");
        pulse(model);
        assertThat(model.unseenProperty().get()).isEqualTo(2);
        model.followingProperty().set(true);
        assertThat(model.unseenProperty().get()).isZero();
    }

    @Test
    void savesPlainTextOfAllOrFilteredLines(@TempDir Path dir) throws Exception {
        emit("web.1", LogStream.STDOUT, "\u001b[31mred\u001b[0m", "plain");
        emit("web.1", LogStream.STDERR, "bad");
        pulse(model);
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
            pulse(big);
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
        pulse(small);
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
        pulse(model);
        model.setLiveInstances(Set.of("web.1"));
        assertThat(model.instances()).containsExactly("web.1", "web.2");
        assertThat(model.instanceLabel("web.2")).isEqualTo("web.2 (gone; lines in memory)");
        assertThat(model.instanceLabel("web.1")).isEqualTo("web.1");
        emit("web.1", LogStream.STDOUT, "c", "d", "e", "f", "g"); // capacity 5: web.1 loses its own oldest, not b
        pulse(model);
        assertThat(model.visibleLines()).extracting(LogLine::text).containsExactly("b", "d", "e", "f", "g");
        assertThat(model.instances()).containsExactly("web.1", "web.2");
        model.clear();
        assertThat(model.instances()).containsExactly("web.1");
    }

    /** A timer that runs nothing until the test moves its clock. */
    private static final class FakeDelay implements ConsoleViewModel.Delay {
        private record Due(long at, Runnable task, boolean[] cancelled) {
        }

        private final List<Due> due = new ArrayList<>();
        private long now;

        @Override
        public Runnable after(long millis, Runnable task) {
            boolean[] cancelled = {false};
            due.add(new Due(now + millis, task, cancelled));
            return () -> cancelled[0] = true;
        }

        void advance(long millis) {
            now += millis;
            for (Due d : List.copyOf(due)) {
                if (d.at() <= now) {
                    due.remove(d);
                    if (!d.cancelled()[0]) {
                        d.task().run();
                    }
                }
            }
        }
    }

    /** An executor that keeps what it is given until the test runs it. */
    private static final class Held implements java.util.concurrent.Executor {
        final java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }

    @Test
    void aBurstOfKeystrokesFiltersOnceWhenTypingPauses() {
        FakeDelay delay = new FakeDelay();
        ConsoleViewModel typed = new ConsoleViewModel(100, 1 << 20, 1 << 20, Runnable::run, Runnable::run,
                Runnable::run, delay);
        int[] redraws = {0};
        typed.setRenderer(b -> { }, () -> redraws[0]++);
        typed.sink().onLines(List.of(new LogLine(1, Instant.EPOCH, "web.1", LogStream.STDOUT, "error here"),
                new LogLine(2, Instant.EPOCH, "web.1", LogStream.STDOUT, "fine")));
        pulse(typed);
        String word = "error";
        for (int i = 1; i <= word.length(); i++) {
            typed.typeQuery(word.substring(0, i), false, false);
            delay.advance(100); // a fast typist: 100 ms between keys
        }
        assertThat(redraws[0]).isZero();
        assertThat(typed.filterProperty().get().query()).isEmpty();
        delay.advance(ConsoleViewModel.TYPING_PAUSE_MS);
        assertThat(redraws[0]).isEqualTo(1);
        assertThat(typed.filterProperty().get().query()).isEqualTo("error");
        assertThat(typed.visibleLines()).extracting(LogLine::text).containsExactly("error here");
        // Enter does not wait for the pause.
        typed.typeQuery("fine", false, false);
        typed.applyTypedQuery();
        assertThat(redraws[0]).isEqualTo(2);
        delay.advance(ConsoleViewModel.TYPING_PAUSE_MS);
        assertThat(redraws[0]).isEqualTo(2);
    }

    @Test
    void theFxStepNeverDecodesBytes() {
        List<ConsoleViewModel.Batch> batches = new ArrayList<>();
        model.setRenderer(batches::add, () -> { });
        byte[] bytes = "one\ntwo\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        model.sink().onBatch(new dev.procdeck.logs.LogBatch("web.1", LogStream.STDOUT, Instant.EPOCH, ++seq, 2, bytes, true));
        model.pulse(); // the FX thread: what is still bytes waits for the pulse timer's thread
        assertThat(batches).isEmpty();
        assertThat(model.receivedProperty().get()).isZero();
        model.prepare(); // the pulse timer's thread
        model.pulse();
        assertThat(batches).singleElement().satisfies(b ->
                assertThat(b.lines()).extracting(LogLine::text).containsExactly("one", "two"));
    }

    @Test
    void aFilterIsWorkedOutOffTheFxThreadAndLinesArrivingMeanwhileFollowIt() {
        Held filterWork = new Held();
        Held fx = new Held();
        ConsoleViewModel console = new ConsoleViewModel(100, 1 << 20, 1 << 20, Runnable::run, fx, filterWork,
                new FakeDelay());
        List<List<String>> redrawn = new ArrayList<>();
        List<String> appended = new ArrayList<>();
        Thread fxThread = Thread.currentThread();
        List<Thread> preparedOn = new ArrayList<>();
        console.setRenderer(b -> b.lines().forEach(l -> appended.add(l.text())), new ConsoleViewModel.Redraw<List<String>>() {
            @Override
            public List<String> prepare(List<LogLine> lines, dev.procdeck.logs.LogFilter f, boolean timestamps) {
                preparedOn.add(Thread.currentThread());
                return lines.stream().map(LogLine::text).toList();
            }

            @Override
            public void show(List<String> prepared) {
                redrawn.add(prepared);
                appended.clear();
            }
        });
        console.sink().onLines(List.of(new LogLine(1, Instant.EPOCH, "web.1", LogStream.STDOUT, "error 1"),
                new LogLine(2, Instant.EPOCH, "web.1", LogStream.STDOUT, "ok 2")));
        pulse(console);
        appended.clear();
        console.setQuery("error", false, false);
        // Nothing filtered on the FX thread: the work waits on the filter worker.
        assertThat(filterWork.tasks).hasSize(1);
        assertThat(redrawn).isEmpty();
        console.sink().onLines(List.of(new LogLine(3, Instant.EPOCH, "web.1", LogStream.STDOUT, "error 3"),
                new LogLine(4, Instant.EPOCH, "web.1", LogStream.STDOUT, "ok 4")));
        pulse(console); // arrives while the filter is worked out: held back, not drawn before the redraw
        assertThat(appended).isEmpty();
        Thread worker = new Thread(filterWork::runAll);
        worker.start();
        assertThatCode(() -> worker.join(10_000)).doesNotThrowAnyException();
        assertThat(preparedOn).containsExactly(worker);
        assertThat(redrawn).isEmpty(); // only the FX thread swaps the result in
        fx.runAll();
        assertThat(redrawn).containsExactly(List.of("error 1"));
        assertThat(appended).containsExactly("error 3");
        assertThat(Thread.currentThread()).isSameAs(fxThread);
    }

    @Test
    void aNewerFilterMakesAnOlderRedrawDropItsResult() {
        Held filterWork = new Held();
        ConsoleViewModel console = new ConsoleViewModel(100, 1 << 20, 1 << 20, Runnable::run, Runnable::run, filterWork,
                new FakeDelay());
        List<String> shownQueries = new ArrayList<>();
        console.setRenderer(b -> { }, new ConsoleViewModel.Redraw<String>() {
            @Override
            public String prepare(List<LogLine> lines, dev.procdeck.logs.LogFilter f, boolean timestamps) {
                return f.query();
            }

            @Override
            public void show(String prepared) {
                shownQueries.add(prepared);
            }
        });
        console.setQuery("a", false, false);
        console.setQuery("ab", false, false);
        filterWork.runAll();
        assertThat(shownQueries).containsExactly("ab");
    }

    @Test
    void aScheduledJobsRunsAreOneEntryInTheFiltersHoweverManyThereWere() {
        ConsoleViewModel console = new ConsoleViewModel(10_000, 1 << 24, 1 << 24, Runnable::run, Runnable::run,
                Runnable::run, new FakeDelay());
        console.setZone(ZoneOffset.UTC);
        console.setScheduledTypes(type -> type.equals("report"));
        console.setProject(List.of("web", "report"));
        console.setLiveInstances(Set.of("web.1"));
        // 35 minutes of a job every 20 seconds: 115 runs, each printing two lines.
        for (int run = 1; run <= 115; run++) {
            console.sink().onLines(List.of(
                    new LogLine(++seq, Instant.parse("2026-01-01T08:00:00Z").plusSeconds(20L * run), "report." + run,
                            LogStream.STDOUT, "report " + run),
                    new LogLine(++seq, Instant.parse("2026-01-01T08:00:00Z").plusSeconds(20L * run), "web.1",
                            LogStream.STDOUT, "GET /")));
            pulse(console);
        }
        assertThat(console.instances()).containsExactly("web.1");
        assertThat(console.types()).containsExactly("web", "report");
        console.setHiddenTypes(Set.of()); // the status line is worked out at once on a filter change
        assertThat(console.memoryStatusProperty().get()).isEqualTo("2 other instances: every line since 08:00");
        console.setHiddenTypes(Set.of("web"));
        assertThat(console.memoryStatusProperty().get()).isEqualTo("report (115 runs): 115 lines since 08:00");
        assertThat(console.visibleLines()).hasSize(115);
    }

    @Test
    void whileTheFxThreadIsBehindDecodedLinesStayWithinTheQueuesByteBudget() {
        long budget = 4L * 1024 * 1024; // the queue and what waits for the FX thread get a quarter: 1 MB
        ConsoleViewModel big = new ConsoleViewModel(100_000, budget, Runnable::run);
        List<ConsoleViewModel.Batch> batches = new ArrayList<>();
        big.setRenderer(batches::add, () -> { });
        byte[] line = ("q".repeat(60 * 1024) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int tick = 0; tick < 20; tick++) { // two seconds of ticks without a pulse
            for (int i = 0; i < 10; i++) {
                big.sink().onBatch(new dev.procdeck.logs.LogBatch("web.1", LogStream.STDOUT, Instant.EPOCH,
                        ++seq, 1, line, true));
            }
            big.prepare();
        }
        big.pulse();
        long kept = big.allLines().stream().mapToLong(dev.procdeck.logs.LogRingBuffer::sizeOf).sum();
        assertThat(kept).isLessThanOrEqualTo(budget / 4);
        assertThat(big.receivedProperty().get()).isEqualTo(200);
        assertThat(big.droppedProperty().get()).isEqualTo(200 - big.allLines().size());
    }

    @Test
    void aFloodIsDrawnEveryOtherPulseATrickleOnEach() {
        ConsoleViewModel console = new ConsoleViewModel(100_000, Runnable::run);
        List<Integer> drawn = new ArrayList<>();
        console.setRenderer(b -> drawn.add(b.lines().size()), () -> { });
        for (int pulse = 0; pulse < 4; pulse++) {
            List<LogLine> flood = new ArrayList<>();
            for (int i = 0; i < ConsoleViewModel.FLOOD_LINES; i++) {
                flood.add(new LogLine(++seq, Instant.EPOCH, "web.1", LogStream.STDOUT, "f" + seq));
            }
            console.sink().onLines(flood);
            pulse(console);
        }
        int f = ConsoleViewModel.FLOOD_LINES;
        assertThat(drawn).containsExactly(f, 2 * f);
        pulse(console); // the flood stopped: what was held is drawn on the next pulse
        assertThat(drawn).containsExactly(f, 2 * f, f);
        drawn.clear();
        for (int pulse = 0; pulse < 3; pulse++) {
            console.sink().onLines(List.of(new LogLine(++seq, Instant.EPOCH, "web.1", LogStream.STDOUT, "a"),
                    new LogLine(++seq, Instant.EPOCH, "web.1", LogStream.STDOUT, "b")));
            pulse(console);
        }
        assertThat(drawn).containsExactly(2, 2, 2);
        assertThat(console.visibleLines()).hasSize(4 * f + 6);
    }
}
