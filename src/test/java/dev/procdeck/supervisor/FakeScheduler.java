package dev.procdeck.supervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/** A scheduler on a fake clock: tasks run only when the test says so, in due order. Single-threaded. */
final class FakeScheduler implements Scheduler {
    private record Task(long due, long seq, Runnable action, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) ->
            a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    FakeScheduler(Instant start) {
        this.now = start.toEpochMilli();
    }

    /** What the wall clock has been set by (negative: set back); timers, like real ones, ignore it. */
    private long wallOffset;

    @Override
    public Instant now() {
        return Instant.ofEpochMilli(now + wallOffset);
    }

    /** Sets the wall clock back, as an administrator or NTP would: timers still fire after their delays. */
    void setWallClockBack(Duration by) {
        wallOffset -= by.toMillis();
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now + Math.max(0, delayMillis), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs every task that is due now, including those they schedule for now. */
    void runDue() {
        advance(Duration.ZERO);
    }

    /**
     * Moves the clock forward without running anything, as when the machine sleeps: timers due meanwhile fire
     * late, at the next {@link #runDue()} or {@link #advance}.
     */
    void jump(Duration by) {
        now += by.toMillis();
    }

    /** Moves the clock forward, running each task at its due time. */
    void advance(Duration by) {
        long target = now + by.toMillis();
        while (!tasks.isEmpty() && tasks.peek().due <= target) {
            Task t = tasks.poll();
            now = Math.max(now, t.due);
            if (!t.cancelled[0]) {
                t.action.run();
            }
        }
        now = target;
    }
}
