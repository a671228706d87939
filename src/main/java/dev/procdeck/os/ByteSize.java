package dev.procdeck.os;

import java.util.Locale;

/**
 * Sizes in binary units, as {@code ps} and the dashboard show resident memory alike: KiB below 1 MiB, then MiB with
 * one decimal, then GiB with two. One formatter, so the same process never reads as "21.4 MB" in one place and
 * "20.4 MiB" in another.
 */
public final class ByteSize {
    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    private ByteSize() {
    }

    /** {@code 512 KiB}, {@code 21.4 MiB}, {@code 1.20 GiB}. */
    public static String format(long bytes) {
        if (bytes < MIB) {
            return (bytes / KIB) + " KiB";
        }
        if (bytes < GIB) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) GIB);
    }

    /**
     * A configured size as it was most likely written: {@code 512 MiB}, {@code 1 GiB}, {@code 1.5 GiB}; sizes that are
     * not a whole number of tenths of a unit fall back to {@link #format}.
     */
    public static String formatWhole(long bytes) {
        for (long unit : new long[] {GIB, MIB, KIB}) {
            if (bytes >= unit && (bytes * 10) % unit == 0) {
                long tenths = bytes * 10 / unit;
                String name = unit == GIB ? " GiB" : unit == MIB ? " MiB" : " KiB";
                return (tenths % 10 == 0 ? Long.toString(tenths / 10) : (tenths / 10) + "." + (tenths % 10)) + name;
            }
        }
        return format(bytes);
    }
}
