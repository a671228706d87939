package dev.procdeck.supervisor;

import dev.procdeck.os.ByteSize;
import java.time.Duration;
import java.time.Instant;

/**
 * The memory quota of one instance's run (procdeck.yml {@code memory:}), judged as Heroku judges a dyno's: past
 * the quota is {@code Error R14 (Memory quota exceeded)}, said at most once a minute; at twice the quota it is
 * {@code Error R15 (Memory quota vastly exceeded)} and the run is restarted. Pure: it is fed samples of the
 * resident memory of the instance's whole process group with their time, and says what they mean.
 */
final class MemoryQuota {
    /** Heroku repeats R14 at most this often while a dyno stays over its quota. */
    static final Duration R14_INTERVAL = Duration.ofMinutes(1);

    enum Verdict { WITHIN, R14, R15 }

    private final long quota;
    private Instant lastR14;

    MemoryQuota(long quotaBytes) {
        if (quotaBytes <= 0) {
            throw new IllegalArgumentException("quota must be above 0: " + quotaBytes);
        }
        this.quota = quotaBytes;
    }

    long quota() {
        return quota;
    }

    /** What {@code residentBytes} at {@code now} means: R15 at twice the quota, R14 past it (once a minute). */
    Verdict observe(long residentBytes, Instant now) {
        if (residentBytes >= 2 * quota) {
            return Verdict.R15;
        }
        if (residentBytes > quota && (lastR14 == null || !now.isBefore(lastR14.plus(R14_INTERVAL)))) {
            lastR14 = now;
            return Verdict.R14;
        }
        return Verdict.WITHIN;
    }

    /** {@code Error R14 (Memory quota exceeded): 600.0 MiB of 512 MiB quota}. */
    String r14(long residentBytes) {
        return "Error R14 (Memory quota exceeded): " + usage(residentBytes);
    }

    /** {@code Error R15 (Memory quota vastly exceeded): 1.10 GiB of 512 MiB quota}. */
    String r15(long residentBytes) {
        return "Error R15 (Memory quota vastly exceeded): " + usage(residentBytes);
    }

    private String usage(long residentBytes) {
        return ByteSize.format(residentBytes) + " of " + ByteSize.formatWhole(quota) + " quota";
    }
}
