package dev.procdeck.os;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * CPU and resident memory of whole process groups, read from Linux's /proc (no native library needed).
 * CPU percent is measured between two calls of {@link #sample}; for a group the previous call did not see, it is
 * the average since the group's oldest process started (as {@code ps} shows it), so that a single sample
 * already says something and nobody has to wait for a second one. 100 % is one full core.
 */
public final class ProcessMetrics {
    /** Usage of one process group. */
    public record Usage(double cpuPercent, long residentBytes) {
    }

    private final long ticksPerSecond = ProcFs.clockTicksPerSecond();
    private final long pageSize = ProcFs.pageSize();
    private final Map<Long, Long> lastTicks = new HashMap<>();
    private long lastSampleNanos;

    public static boolean supported() {
        return ProcFs.supported();
    }

    /** Sums CPU and memory over every process of each group in {@code groups}. Call from one thread. */
    public Map<Long, Usage> sample(Set<Long> groups) {
        Map<Long, Long> ticks = new HashMap<>();
        Map<Long, Long> pages = new HashMap<>();
        Map<Long, Long> started = new HashMap<>();
        if (!groups.isEmpty()) {
            for (ProcFs.Stat stat : ProcFs.all()) {
                if (groups.contains(stat.pgrp())) {
                    ticks.merge(stat.pgrp(), stat.userTicks() + stat.systemTicks(), Long::sum);
                    pages.merge(stat.pgrp(), stat.residentPages(), Long::sum);
                    started.merge(stat.pgrp(), stat.startTicks(), Math::min);
                }
            }
        }
        double uptime = ProcFs.uptimeSeconds();
        long now = System.nanoTime();
        double seconds = lastSampleNanos == 0 ? 0 : (now - lastSampleNanos) / 1e9;
        Map<Long, Usage> usage = new HashMap<>();
        for (Long group : groups) {
            long t = ticks.getOrDefault(group, 0L);
            Long before = lastTicks.get(group);
            double cpu;
            if (before != null && seconds > 0) {
                cpu = Math.max(0, (t - before) / (double) ticksPerSecond / seconds * 100);
            } else {
                Long start = started.get(group);
                double alive = start == null || uptime <= 0 ? 0 : uptime - start / (double) ticksPerSecond;
                cpu = alive < 0.05 ? 0 : Math.max(0, t / (double) ticksPerSecond / alive * 100);
            }
            usage.put(group, new Usage(cpu, pages.getOrDefault(group, 0L) * pageSize));
        }
        lastTicks.clear();
        lastTicks.putAll(ticks);
        lastSampleNanos = now;
        return usage;
    }
}
