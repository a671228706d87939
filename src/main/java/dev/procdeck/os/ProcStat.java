package dev.procdeck.os;

import java.util.OptionalLong;

/**
 * Process identity over time: a pid plus its start time (from {@link ProcFs}) names one process for good, so a
 * reused pid is never mistaken for ours.
 */
public final class ProcStat {
    private ProcStat() {
    }

    public static OptionalLong startTime(long pid) {
        return ProcFs.stat(pid).map(s -> OptionalLong.of(s.startTicks())).orElse(OptionalLong.empty());
    }

    public static boolean isSameProcess(long pid, long startTime) {
        OptionalLong now = startTime(pid);
        return now.isPresent() && now.getAsLong() == startTime;
    }
}
