package dev.procdeck.runtime;

import dev.procdeck.logs.BatchQueue;
import dev.procdeck.logs.LogBatch;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import dev.procdeck.procfile.Procfile;
import dev.procdeck.procfile.Visible;
import dev.procdeck.runtime.ControlMessages.End;
import dev.procdeck.runtime.ControlMessages.LogFrame;
import dev.procdeck.runtime.ControlMessages.LogsAnswer;
import dev.procdeck.runtime.ControlMessages.StreamError;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.Supervisor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The recent-output window and the {@code logs} stream: the last {@link #RECENT_BYTES} of output in memory (the
 * bus's batches, shared, not copied), the session log on disk for older lines, and a byte-bounded queue per
 * {@code logs -f} follower. Lines go out in frames, one per batch of output ({@link LogFrame}), so that a burst
 * of 500 lines is one message, written once and decoded once.
 *
 * <p>{@link #onBatch} runs on the producers' threads and never waits: a follower that does not read falls
 * behind its queue's budget, loses its oldest batches, is told so and disconnected.
 */
final class RecentOutput implements LogListener {
    /** Recent output kept for {@code logs}, in bytes (batches are shared with the other outputs). */
    static final long RECENT_BYTES = Long.getLong("procdeck.control.recentBytes", 2L * 1024 * 1024);
    /** What a {@code logs -f} reader may fall behind by before it is disconnected. */
    static final long FOLLOW_QUEUE_BYTES = Long.getLong("procdeck.control.followQueueBytes", 1024L * 1024);
    /** Requests reading older lines from the session log at once, each within SessionLogTail.MAX_PICKED_BYTES. */
    static final int TAIL_READERS = 3;

    private final Supervisor supervisor;
    private final Path sessionDir;
    private final ZoneId zone = ZoneId.systemDefault();
    private final Semaphore tailReaders = new Semaphore(TAIL_READERS);
    private volatile boolean finished;
    // Guarded by recentLock.
    private final Object recentLock = new Object();
    private final ArrayDeque<LogBatch> recent = new ArrayDeque<>();
    private final List<BatchQueue> followers = new ArrayList<>();
    private long recentBytes;
    private boolean recentEvicted;

    /** @param sessionDir the session's folder, whose log older lines are read from; may be null */
    RecentOutput(Supervisor supervisor, Path sessionDir) {
        this.supervisor = supervisor;
        this.sessionDir = sessionDir;
    }

    // ---- the window (called on producers' threads: never waits) -------------------------------------------

    @Override
    public void onBatch(LogBatch batch) {
        synchronized (recentLock) {
            recent.addLast(batch);
            recentBytes += batch.cost();
            while (recentBytes > RECENT_BYTES && recent.size() > 1) {
                recentBytes -= recent.removeFirst().cost();
                recentEvicted = true;
            }
            for (BatchQueue q : followers) {
                q.put(batch); // DROP_OLDEST: never waits; the follower sees the loss and leaves
            }
        }
    }

    /** procdeck is stopping: followers get what is queued for them, then an end message. */
    void finish() {
        finished = true;
        synchronized (recentLock) {
            followers.forEach(BatchQueue::finish);
        }
    }

    // ---- the stream --------------------------------------------------------------------------------------

    /** Serves one {@code logs} request; always ends the connection's requests (false) once it has answered. */
    boolean serve(ControlMessages.Logs request, LineChannel ch) throws IOException {
        LogQuery query = LogQuery.of(request);
        if (query.instance() != null) {
            InstanceId.parse(query.instance()); // a clear message for "web" given as an instance
        }
        String type = query.type() != null ? query.type()
                : query.instance() != null ? InstanceId.parse(query.instance()).type() : null;
        Procfile procfile = supervisor.project().procfile();
        if (type != null && procfile.type(type).isEmpty()) {
            throw new IllegalArgumentException("unknown process type '" + Visible.escape(type)
                    + "'; the Procfile has " + String.join(", ", procfile.typeNames()));
        }
        List<LogBatch> window;
        boolean evicted;
        BatchQueue follower = query.follow() ? new BatchQueue(FOLLOW_QUEUE_BYTES, BatchQueue.WhenFull.DROP_OLDEST) : null;
        // Taking the window and subscribing at once: no line is both in the history and the stream, none in neither.
        synchronized (recentLock) {
            window = new ArrayList<>(recent);
            evicted = recentEvicted;
            if (follower != null) {
                followers.add(follower);
            }
        }
        try {
            List<LogLine> history = lastLines(window, query);
            boolean reading = false;
            if (evicted && history.size() < query.lines() && sessionDir != null) {
                // Lines from disk are held until sent, so all readers together stay within TAIL_READERS budgets.
                if (!acquireTailReader()) {
                    ControlSocket.reply(ch, ControlMessages.Failure.busy("busy: " + TAIL_READERS + " clients are"
                            + " reading older lines from the session log; try again in a moment, or ask for fewer"
                            + " lines (-n)"));
                    return false;
                }
                reading = true;
                Instant before = window.isEmpty() ? Instant.now() : window.get(0).time();
                List<LogLine> older = SessionLogTail.read(sessionDir, query, query.lines() - history.size(), before, zone);
                List<LogLine> all = new ArrayList<>(older);
                all.addAll(history);
                history = all;
            }
            try {
                ControlSocket.reply(ch, new LogsAnswer(ControlProtocol.VERSION, true,
                        ControlOperations.appName(supervisor.project()), procfile.typeNames(),
                        // For the client to pad names as start does: to the widest instance now.
                        supervisor.snapshots().stream().map(InstanceSnapshot::name).toList()));
                sendFrames(ch, history, query, false);
            } finally {
                history = null;
                if (reading) {
                    tailReaders.release();
                }
            }
            if (follower == null) {
                ControlSocket.reply(ch, End.complete());
                return false;
            }
            follow(ch, follower, query);
            return false;
        } finally {
            if (follower != null) {
                synchronized (recentLock) {
                    followers.remove(follower);
                }
                follower.abandon();
            }
        }
    }

    private void follow(LineChannel ch, BatchQueue follower, LogQuery query) throws IOException {
        while (true) {
            LogBatch batch;
            try {
                batch = follower.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long dropped = follower.takeDropped();
            if (dropped > 0) {
                ControlSocket.reply(ch, new StreamError("this reader fell behind and "
                        + dev.procdeck.procfile.Plural.count(dropped, "line") + (dropped == 1 ? " was" : " were")
                        + " dropped for it; disconnecting (run procdeck logs -f again to resume)"));
                return;
            }
            if (batch == null) {
                if (finished) {
                    ControlSocket.reply(ch, End.because("procdeck stopped"));
                    return;
                }
                if (ch.peerClosed()) {
                    return;
                }
                continue;
            }
            sendFrames(ch, batch.lines(), query, true);
        }
    }

    /**
     * The lines {@code query} matches, as frames of at most {@link LogWire#FRAME_BYTES}: one frame for a whole
     * batch of output (all of it when {@code filter} is false: history is picked already), several only for a
     * batch larger than a frame; none when nothing matches.
     */
    private static void sendFrames(LineChannel ch, List<LogLine> lines, LogQuery query, boolean filter)
            throws IOException {
        List<LogWire.Entry> frame = new ArrayList<>();
        long bytes = 0;
        for (LogLine line : lines) {
            if (filter && !query.matches(line)) {
                continue;
            }
            long cost = LogWire.estimatedBytes(line);
            if (!frame.isEmpty() && bytes + cost > LogWire.FRAME_BYTES) {
                ControlSocket.reply(ch, new LogFrame(frame));
                frame = new ArrayList<>();
                bytes = 0;
            }
            frame.add(LogWire.write(line));
            bytes += cost;
        }
        if (!frame.isEmpty()) {
            ControlSocket.reply(ch, new LogFrame(frame));
        }
    }

    private boolean acquireTailReader() {
        try {
            return tailReaders.tryAcquire(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last {@code query.lines()} matching lines of the window, oldest first. */
    private static List<LogLine> lastLines(List<LogBatch> window, LogQuery query) {
        ArrayDeque<LogLine> picked = new ArrayDeque<>();
        for (int b = window.size() - 1; b >= 0 && picked.size() < query.lines(); b--) {
            LogBatch batch = window.get(b);
            if (query.since() != null && batch.time().isBefore(query.since())) {
                break;
            }
            List<LogLine> lines = batch.lines();
            for (int i = lines.size() - 1; i >= 0 && picked.size() < query.lines(); i--) {
                if (query.matches(lines.get(i))) {
                    picked.addFirst(lines.get(i));
                }
            }
        }
        return new ArrayList<>(picked);
    }
}
