package dev.procdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The byte budget of one output's queue: who waits, who never does, and what is counted. */
class BatchQueueTest {
    private static LogBatch child(int bytes) {
        byte[] b = ("c".repeat(bytes - 1) + "\n").getBytes(StandardCharsets.US_ASCII);
        return new LogBatch("web.1", LogStream.STDOUT, Instant.EPOCH, 1, 1, b, true);
    }

    private static LogBatch event() {
        return LogBatch.event("web.1", Instant.EPOCH, 1, "web.1 crashed");
    }

    @Test
    void childOutputWaitsForRoomButEventsGetInUpToTheHardCap() throws Exception {
        BatchQueue q = new BatchQueue(64 * 1024, BatchQueue.WhenFull.WAIT);
        for (int i = 0; i < 4; i++) {
            assertThat(q.put(child(16 * 1024 - 64))).isTrue();
        }
        Thread producer = new Thread(() -> q.put(child(1024)), "producer");
        producer.setDaemon(true);
        producer.start();
        Await.until(Duration.ofSeconds(10), () -> producer.getState() == Thread.State.WAITING, "the producer waits");
        // Events never wait: over the budget they are still taken, past the hard cap dropped and counted.
        CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 10_000; i++) {
                q.put(event());
            }
        }).get(10, TimeUnit.SECONDS);
        assertThat(q.bytes()).isGreaterThan(q.budget()).isLessThanOrEqualTo(q.budget() + 64 * 1024);
        assertThat(q.droppedEvents()).isPositive();
        // The consumer makes room: the waiting producer goes on.
        List<LogBatch> taken = new ArrayList<>();
        q.drainTo(taken);
        producer.join(10_000);
        assertThat(producer.isAlive()).isFalse();
        assertThat(q.droppedLines()).isZero();
    }

    @Test
    void stopWaitingReleasesProducersAndCountsWhatDoesNotFit() throws Exception {
        BatchQueue q = new BatchQueue(4096, BatchQueue.WhenFull.WAIT);
        q.put(child(4000));
        CompletableFuture<Boolean> blocked = new CompletableFuture<>();
        Thread producer = new Thread(() -> blocked.complete(q.put(child(1000))), "producer");
        producer.start();
        // Waiting inside put (not merely not yet run): a condition that is false until the producer blocks.
        Await.until(Duration.ofSeconds(10), () -> !blocked.isDone()
                && (producer.getState() == Thread.State.WAITING || producer.getState() == Thread.State.TIMED_WAITING),
                () -> "a producer blocked, it is " + producer.getState());
        q.stopWaiting();
        assertThat(blocked.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(q.droppedLines()).isEqualTo(1);
        assertThat(q.put(child(1000))).isFalse();
        assertThat(q.droppedLines()).isEqualTo(2);
    }

    @Test
    void dropOldestKeepsTheNewestWithinTheBudget() {
        BatchQueue q = new BatchQueue(10_000, BatchQueue.WhenFull.DROP_OLDEST);
        for (int i = 0; i < 100; i++) {
            q.put(child(1000));
            assertThat(q.bytes()).isLessThanOrEqualTo(10_000);
        }
        assertThat(q.droppedLines()).isEqualTo(100 - 9);
    }
}
