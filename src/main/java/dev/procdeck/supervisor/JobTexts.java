package dev.procdeck.supervisor;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * A scheduled type and its runs in words, the same in the dashboard's job cells and in {@code procdeck ps}:
 * "every 20s · next 13:20:00 · last: exit 0 after 58 ms".
 */
public final class JobTexts {
    public static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private JobTexts() {
    }

    public static String summary(JobStatus s, ZoneId zone, Instant now) {
        StringBuilder text = new StringBuilder(s.schedule());
        if (!s.running().isEmpty()) {
            text.append(" · running ").append(String.join(", ", s.running()));
        } else if (s.enabled() && s.nextRun() != null) {
            text.append(" · next ").append(CLOCK.format(s.nextRun().atZone(zone)));
        } else if (!s.enabled()) {
            text.append(" · paused");
        }
        if (s.queued()) {
            text.append(" · 1 queued");
        }
        JobRun last = s.lastRun();
        if (last != null) {
            text.append(" · last: ").append(outcome(last, now));
        }
        if (s.skipped() > 0) {
            text.append(" · ").append(s.skipped()).append(" skipped");
        }
        return text.toString();
    }

    /** "exit 0 after 58 ms", "SIGKILL after 3.0 s", "stopped after 1.2 s", "failed to start". */
    public static String outcome(JobRun run, Instant now) {
        String length = dev.procdeck.supervisor.Durations.runLength(run.duration(now));
        return switch (run.outcome()) {
            case STARTING -> "starting";
            case RUNNING -> "running for " + length;
            case FAILED_TO_START -> "failed to start";
            case STOPPED -> "stopped after " + length;
            case EXITED -> (run.exit() == null ? "ended"
                    : run.exit().signal() > 0 ? run.exit().describe() : "exit " + run.exit().code())
                    + " after " + length;
        };
    }
}
