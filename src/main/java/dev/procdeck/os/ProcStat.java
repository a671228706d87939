package dev.procdeck.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Start times of processes from Linux's /proc, in clock ticks since boot. A pid plus its start time names
 * one process for good: a reused pid has a different start time, so it is never mistaken for ours.
 */
public final class ProcStat {
    private ProcStat() {
    }

    public static OptionalLong startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return f.length > 19 ? OptionalLong.of(Long.parseLong(f[19])) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    public static boolean isSameProcess(long pid, long startTime) {
        OptionalLong now = startTime(pid);
        return now.isPresent() && now.getAsLong() == startTime;
    }
}
