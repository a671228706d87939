package dev.procdeck.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one reader of Linux's {@code /proc/PID/stat}: process state, parent, process group, CPU ticks, start
 * time and resident pages. Clock tick and page size come from the system ({@code sysconf}), not assumptions.
 */
public final class ProcFs {
    private static final Path PROC = Path.of("/proc");
    private static final int SC_CLK_TCK = 2;
    private static final int SC_PAGESIZE = 30;
    private static final long CLOCK_TICKS;
    private static final long PAGE_SIZE;

    static {
        long ticks = -1;
        long page = -1;
        if (Libc.AVAILABLE) {
            ticks = Libc.sysconf(SC_CLK_TCK);
            page = Libc.sysconf(SC_PAGESIZE);
        } else {
            ticks = getconf("CLK_TCK");
            page = getconf("PAGESIZE");
        }
        CLOCK_TICKS = ticks > 0 ? ticks : 100;
        PAGE_SIZE = page > 0 ? page : 4096;
    }

    /**
     * The fields procdeck uses from one stat line.
     *
     * @param startTicks when the process started, in clock ticks since boot: with the pid, it names one process
     *                   for good (a reused pid has another start time)
     */
    public record Stat(long pid, char state, long ppid, long pgrp, long userTicks, long systemTicks, long startTicks,
                       long residentPages) {
        public boolean zombie() {
            return state == 'Z' || state == 'X';
        }
    }

    private ProcFs() {
    }

    /** Clock ticks per second of the times in {@code stat} (USER_HZ). */
    public static long clockTicksPerSecond() {
        return CLOCK_TICKS;
    }

    /** Seconds since boot ({@code /proc/uptime}), or 0 when it cannot be read. */
    public static double uptimeSeconds() {
        try {
            String text = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime"));
            return Double.parseDouble(text.substring(0, text.indexOf(' ')));
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * This process's limit on open file descriptors (the soft {@code RLIMIT_NOFILE}, from
     * {@code /proc/self/limits}), or empty when it cannot be read or is unlimited.
     */
    public static java.util.OptionalLong maxOpenFiles() {
        try {
            for (String line : Files.readAllLines(PROC.resolve("self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? java.util.OptionalLong.empty()
                            : java.util.OptionalLong.of(Long.parseLong(soft));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Not Linux, or /proc not mounted: the caller keeps its default.
        }
        return java.util.OptionalLong.empty();
    }

    public static long pageSize() {
        return PAGE_SIZE;
    }

    public static boolean supported() {
        return Files.isDirectory(PROC.resolve("self"));
    }

    /** The stat of one process, or empty when it is gone (or the line is not understood). */
    public static Optional<Stat> stat(long pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        try {
            return parse(pid, Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Every process readable now. */
    public static List<Stat> all() {
        List<Stat> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                    try {
                        stat(Long.parseLong(name)).ifPresent(out::add);
                    } catch (NumberFormatException e) {
                        // Not a process.
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    /**
     * Parses a stat line. The command name (field 2) is in parentheses and may itself contain spaces and
     * parentheses, so fields are counted from the last ')'.
     */
    static Optional<Stat> parse(long pid, String line) {
        int close = line.lastIndexOf(')');
        if (close < 0 || close + 2 >= line.length()) {
            return Optional.empty();
        }
        // After "comm)": state(3) ppid(4) pgrp(5) ... utime(14) stime(15) ... starttime(22) vsize(23) rss(24)
        String[] f = line.substring(close + 2).trim().split(" ");
        if (f.length < 22 || f[0].length() != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Stat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[19]), Long.parseLong(f[21])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static long getconf(String name) {
        try {
            Process p = new ProcessBuilder("getconf", name).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
