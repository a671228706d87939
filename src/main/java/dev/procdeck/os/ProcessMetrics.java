package dev.procdeck.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * CPU and resident memory of whole process groups, read from Linux's /proc (no native library needed).
 * CPU percent is measured between two calls of {@link #sample}; 100 % is one full core.
 */
public final class ProcessMetrics {
    /** Usage of one process group. */
    public record Usage(double cpuPercent, long residentBytes) {
    }

    private static final Path PROC = Path.of("/proc");
    private final long ticksPerSecond = 100; // USER_HZ is 100 on every Linux architecture we target
    private final long pageSize = 4096;
    private final Map<Long, Long> lastTicks = new HashMap<>();
    private long lastSampleNanos;

    public static boolean supported() {
        return Files.isDirectory(PROC.resolve("self"));
    }

    /** Sums CPU and memory over every process of each group in {@code groups}. Call from one thread. */
    public Map<Long, Usage> sample(Set<Long> groups) {
        Map<Long, Long> ticks = new HashMap<>();
        Map<Long, Long> pages = new HashMap<>();
        if (!groups.isEmpty()) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                        continue;
                    }
                    readStat(entry, groups, ticks, pages);
                }
            } catch (IOException e) {
                return Map.of();
            }
        }
        long now = System.nanoTime();
        double seconds = lastSampleNanos == 0 ? 0 : (now - lastSampleNanos) / 1e9;
        Map<Long, Usage> usage = new HashMap<>();
        for (Long group : groups) {
            long t = ticks.getOrDefault(group, 0L);
            Long before = lastTicks.get(group);
            double cpu = before == null || seconds <= 0 ? 0 : Math.max(0, (t - before) / (double) ticksPerSecond / seconds * 100);
            usage.put(group, new Usage(cpu, pages.getOrDefault(group, 0L) * pageSize));
        }
        lastTicks.clear();
        lastTicks.putAll(ticks);
        lastSampleNanos = now;
        return usage;
    }

    private void readStat(Path entry, Set<Long> groups, Map<Long, Long> ticks, Map<Long, Long> pages) {
        String stat;
        try {
            stat = Files.readString(entry.resolve("stat"));
        } catch (IOException | RuntimeException e) {
            return; // exited meanwhile
        }
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return;
        }
        // Fields after "comm)": state(3) ppid(4) pgrp(5) ... utime(14) stime(15) ... rss(24)
        String[] f = stat.substring(close + 2).split(" ");
        if (f.length < 22) {
            return;
        }
        long pgrp = Long.parseLong(f[2]);
        if (!groups.contains(pgrp)) {
            return;
        }
        long cpu = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        long rss = Long.parseLong(f[21]);
        ticks.merge(pgrp, cpu, Long::sum);
        pages.merge(pgrp, rss, Long::sum);
    }
}
