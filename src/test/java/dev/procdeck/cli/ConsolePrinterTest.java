package dev.procdeck.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import dev.procdeck.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The terminal printer on its own thread: what it writes, and that a stalled terminal stalls no one else. */
class ConsolePrinterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T10:11:12Z"), ZoneOffset.UTC);

    /** A terminal that never takes a byte, like {@code procdeck start | sleep 60} once the pipe is full. */
    private static final class StuckOutput extends OutputStream {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch never = new CountDownLatch(1);

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            entered.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }
    }

    private static List<String> lines(String... texts) {
        return List.of(texts);
    }

    @Test
    void aStuckTerminalNeverHoldsUpEventsOtherStreamsOrClosing() throws Exception {
        StuckOutput out = new StuckOutput();
        ConsolePrinter printer = new ConsolePrinter(out, false, false, ZoneOffset.UTC, Map.of("web", 0), 5, 64 * 1024);
        LogBus bus = new LogBus(CLOCK);
        bus.addListener(printer);

        bus.publish("web.1", LogStream.STDOUT, lines("first"));
        assertThat(out.entered.await(10, TimeUnit.SECONDS)).as("the writer is stuck in write").isTrue();

        // Another instance's reader is not held up by the stuck write (the old bus lock was held across it).
        CompletableFuture<Void> other = CompletableFuture.runAsync(
                () -> bus.publish("web.2", LogStream.STDERR, lines("from another stream")));
        other.get(10, TimeUnit.SECONDS);

        // A chatty reader fills the queue and then waits: back-pressure, as a terminal applies it.
        Thread flood = new Thread(() -> {
            for (int i = 0; i < 10_000; i++) {
                bus.publish("web.1", LogStream.STDOUT, lines("x".repeat(100) + i));
            }
        }, "flood");
        flood.setDaemon(true);
        flood.start();
        Await.until(Duration.ofSeconds(10), () -> flood.getState() == Thread.State.WAITING,
                () -> "the flooding reader waits for room (" + flood.getState() + ")");

        // The supervisor thread and signal handlers still get through at once.
        CompletableFuture<Void> event = CompletableFuture.runAsync(
                () -> bus.event(LogLine.PROCDECK, "SIGTERM received, stopping all processes"));
        event.get(10, TimeUnit.SECONDS);

        // Stopping: producers no longer wait, and closing gives up on the stuck terminal within its timeout.
        printer.stopBlocking();
        flood.join(10_000);
        assertThat(flood.isAlive()).as("the flooding reader was released").isFalse();
        long t0 = System.nanoTime();
        assertThat(printer.close(Duration.ofMillis(200))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(printer.missedLines()).isPositive();
        out.never.countDown();
    }

    @Test
    void writesPrefixedLinesFromBatchBytesAndKeepsOrStripsColour() throws Exception {
        ByteArrayOutputStream plainOut = new ByteArrayOutputStream();
        ConsolePrinter plain = new ConsolePrinter(plainOut, false, true, ZoneOffset.UTC, Map.of("web", 0), 5);
        ByteArrayOutputStream colourOut = new ByteArrayOutputStream();
        ConsolePrinter colour = new ConsolePrinter(colourOut, true, false, ZoneOffset.UTC, Map.of("web", 0), 5);
        LogBus bus = new LogBus(CLOCK);
        bus.addListener(plain);
        bus.addListener(colour);
        byte[] batch = "one\n\u001b[31mred\u001b[0m\n".getBytes(StandardCharsets.UTF_8);
        bus.publish("web.1", LogStream.STDOUT, batch, 2, false);
        bus.event("web.1", "web.1 crashed");
        assertThat(plain.close(Duration.ofSeconds(10))).isTrue();
        assertThat(colour.close(Duration.ofSeconds(10))).isTrue();
        assertThat(plainOut.toString(StandardCharsets.UTF_8)).isEqualTo(
                "10:11:12 web.1  | one\n10:11:12 web.1  | red\n10:11:12 system | web.1 crashed\n");
        assertThat(colourOut.toString(StandardCharsets.UTF_8)).isEqualTo(
                "\u001b[36mweb.1  |\u001b[0m one\n"
                + "\u001b[36mweb.1  |\u001b[0m \u001b[31mred\u001b[0m\u001b[0m\n"
                + "\u001b[1;37msystem |\u001b[0m web.1 crashed\n");
    }

    @Test
    void aWriteErrorIsReportedOnceAndNobodyWaitsAfterIt() throws Exception {
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        ConsolePrinter printer = new ConsolePrinter(full, false, false, ZoneOffset.UTC, Map.of(), 5, 4096);
        AtomicReference<IOException> error = new AtomicReference<>();
        printer.setOnWriteError(error::set);
        printer.setOnBrokenOutput(() -> error.set(new IOException("wrongly taken for a closed pipe")));
        LogBus bus = new LogBus(CLOCK);
        bus.addListener(printer);
        bus.publish("web.1", LogStream.STDOUT, lines("a"));
        Await.until(Duration.ofSeconds(10), () -> error.get() != null, "the write error");
        assertThat(error.get()).hasMessage("No space left on device");
        // Far more than the queue holds: had a dead writer left producers waiting, this would never return.
        CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 1000; i++) {
                bus.publish("web.1", LogStream.STDOUT, lines("y".repeat(100)));
            }
        }).get(10, TimeUnit.SECONDS);
        assertThat(printer.missedLines()).isGreaterThanOrEqualTo(1000);
        assertThat(ConsolePrinter.isBrokenPipe(new IOException("Broken pipe"))).isTrue();
    }

    @Test
    void aWriteErrorBeforeTheCallbackIsSetIsStillReported() throws Exception {
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        ConsolePrinter printer = new ConsolePrinter(full, false, false, ZoneOffset.UTC, Map.of(), 5, 4096);
        LogBus bus = new LogBus(CLOCK);
        bus.addListener(printer);
        // StartCommand publishes its first event before it wires the callbacks.
        bus.event(LogLine.PROCDECK, "every line is also written to .procdeck/sessions/x/");
        Await.until(Duration.ofSeconds(10), () -> !printer.close(Duration.ofSeconds(1)), "the failed write");
        AtomicReference<IOException> error = new AtomicReference<>();
        printer.setOnWriteError(error::set);
        assertThat(error.get()).hasMessage("No space left on device");
        assertThat(printer.brokenPipe()).isFalse();
    }
}
