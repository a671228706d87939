package dev.procdeck.procfile;

/**
 * A count with its noun in the right number, for every text procdeck writes: "1 line", "1,204 lines", never
 * "1 lines" or "line(s)".
 */
public final class Plural {
    private Plural() {
    }

    /** {@code count(1, "line")} is "1 line", {@code count(1204, "line")} "1,204 lines" (the noun takes an s). */
    public static String count(long n, String noun) {
        return count(n, noun, noun + "s");
    }

    /** For a noun whose plural is not the singular and an s ("process", "processes"). */
    public static String count(long n, String one, String many) {
        return String.format("%,d ", n) + (n == 1 ? one : many);
    }

    /** Only the noun: "line" or "lines", for texts that write the number themselves. */
    public static String noun(long n, String noun) {
        return n == 1 ? noun : noun + "s";
    }
}
