package dev.procdeck.ui;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;

/**
 * Benchmark instrumentation, off unless {@code -Dprocdeck.stats=FILE}: once a second it appends the lines
 * received so far, the longest gap between two turns of the FX thread in that second (a stall of the UI thread),
 * and heap and resident memory. The gap is measured by a probe posted to the FX thread every
 * {@link #PROBE_MS} ms (one at a time): the time between two probes running is the longest the FX thread could
 * not answer. An AnimationTimer would measure the same but makes JavaFX pulse 60 times a second, which costs
 * CPU of its own and would be measured with the rest.
 */
final class FxStats {
    static final long PROBE_MS = 20;

    private final ConsoleViewModel console;
    private final PrintWriter out;
    private final AtomicBoolean posted = new AtomicBoolean();
    private long lastTurn;
    private long windowStart;
    private long maxGap;
    private long maxGapEver;
    private static volatile long maxWork;

    /** The time one drain of queued lines and events took (to tell own work from waiting for the CPU). */
    static void recordPulseWork(long nanos) {
        if (nanos > maxWork) {
            maxWork = nanos;
        }
    }

    private FxStats(ConsoleViewModel console, PrintWriter out) {
        this.console = console;
        this.out = out;
    }

    static void startIfRequested(ConsoleViewModel console) {
        String file = System.getProperty("procdeck.stats");
        if (file == null) {
            return;
        }
        try {
            PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(file), StandardCharsets.UTF_8), true);
            out.println("epoch_ms,lines_received,lines_dropped_from_memory,max_pulse_gap_ms,max_gap_ever_ms,heap_used_mb,rss_mb,max_drain_ms");
            FxStats stats = new FxStats(console, out);
            ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "procdeck-fx-stats");
                t.setDaemon(true);
                return t;
            });
            probe.scheduleAtFixedRate(() -> {
                if (stats.posted.compareAndSet(false, true)) {
                    Platform.runLater(stats::turn);
                }
            }, 0, PROBE_MS, TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            System.getLogger("dev.procdeck.ui").log(System.Logger.Level.WARNING,
                    "cannot write stats to " + file + ": " + e.getMessage());
        }
    }

    /** On the FX thread: one probe ran. */
    private void turn() {
        posted.set(false);
        long now = System.nanoTime();
        try {
            if (lastTurn != 0) {
                maxGap = Math.max(maxGap, now - lastTurn);
                maxGapEver = Math.max(maxGapEver, now - lastTurn);
            }
            lastTurn = now;
            if (windowStart == 0) {
                windowStart = now;
            }
            if (now - windowStart >= 1_000_000_000L) {
                Runtime rt = Runtime.getRuntime();
                out.printf(java.util.Locale.ROOT, "%d,%d,%d,%.1f,%.1f,%d,%d,%.1f%n", System.currentTimeMillis(),
                        console.receivedProperty().get(), console.droppedProperty().get(), maxGap / 1e6, maxGapEver / 1e6,
                        (rt.totalMemory() - rt.freeMemory()) >> 20, residentMb(), maxWork / 1e6);
                maxWork = 0;
                windowStart = now;
                maxGap = 0;
            }
        } catch (RuntimeException e) {
            // Never let instrumentation disturb the FX thread.
        }
    }

    private static long residentMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
