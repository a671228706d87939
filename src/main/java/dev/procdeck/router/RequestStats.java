package dev.procdeck.router;

/**
 * Requests, errors and latencies of one instance (or one type) over the last minute, in one-second buckets with a
 * log-scale latency histogram each: bounded memory whatever the request rate, percentiles without keeping samples.
 * Thread-safe; {@link #record} is called by the router's I/O threads, {@link #window} by whoever shows it.
 */
public final class RequestStats {
    static final int SECONDS = 60;
    /** Bucket {@code i} holds latencies up to {@code 2^(i/4)} × 0.1 ms: about 19 % wide, 0.1 ms to ~1.5 h. */
    private static final int BINS = 96;

    private final long[] second = new long[SECONDS];
    private final int[] requests = new int[SECONDS];
    private final int[] errors = new int[SECONDS];
    private final int[][] latency = new int[SECONDS][BINS];

    /** A request finished at {@code nowMillis} after {@code nanos}; {@code error} if the router or the app failed it. */
    public synchronized void record(long nowMillis, long nanos, boolean error) {
        int slot = slot(nowMillis);
        requests[slot]++;
        if (error) {
            errors[slot]++;
        }
        latency[slot][bin(nanos)]++;
    }

    private int slot(long nowMillis) {
        long s = nowMillis / 1000;
        int slot = (int) Math.floorMod(s, (long) SECONDS);
        if (second[slot] != s) {
            second[slot] = s;
            requests[slot] = 0;
            errors[slot] = 0;
            java.util.Arrays.fill(latency[slot], 0);
        }
        return slot;
    }

    static int bin(long nanos) {
        double tenthsOfMs = Math.max(1.0, nanos / 100_000.0);
        int b = (int) Math.ceil(4 * Math.log(tenthsOfMs) / Math.log(2));
        return Math.min(BINS - 1, Math.max(0, b));
    }

    static double binUpperMillis(int bin) {
        return 0.1 * Math.pow(2, bin / 4.0);
    }

    /**
     * The last {@code seconds} complete seconds before {@code nowMillis}: requests per second, errors per second,
     * and the 50th and 99th percentile latency in milliseconds (0 without requests).
     */
    public synchronized Window window(long nowMillis, int seconds) {
        seconds = Math.max(1, Math.min(SECONDS - 1, seconds));
        long current = nowMillis / 1000;
        long total = 0;
        long failed = 0;
        int[] merged = new int[BINS];
        for (int i = 1; i <= seconds; i++) {
            long s = current - i;
            int slot = (int) Math.floorMod(s, (long) SECONDS);
            if (second[slot] != s) {
                continue;
            }
            total += requests[slot];
            failed += errors[slot];
            for (int b = 0; b < BINS; b++) {
                merged[b] += latency[slot][b];
            }
        }
        return new Window(total / (double) seconds, failed / (double) seconds, percentile(merged, total, 0.50),
                percentile(merged, total, 0.99), total);
    }

    private static double percentile(int[] bins, long total, double q) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int b = 0; b < BINS; b++) {
            seen += bins[b];
            if (seen >= rank) {
                return binUpperMillis(b);
            }
        }
        return binUpperMillis(BINS - 1);
    }

    /** Rates per second and latency percentiles (ms, rounded up to the histogram's bin) over a window. */
    public record Window(double requestsPerSecond, double errorsPerSecond, double p50Millis, double p99Millis,
                         long requests) {
        public static final Window EMPTY = new Window(0, 0, 0, 0, 0);
    }
}
