package dev.procdeck.supervisor;

import dev.procdeck.logs.LineSplitter;
import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogStream;
import dev.procdeck.os.PosixSignals;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Reads one output stream of one instance onto the {@link LogBus}, on a (pooled) thread of its own. Supervision never
 * waits for it: the returned future only tells when the stream reached its end. Lines stay bytes here (see
 * {@link LineSplitter}); when an output is full, {@code publish} waits, and so the child's writes block on a
 * full pipe, which is the back-pressure a terminal applies to any program.
 */
final class OutputReader {
    /**
     * Reader threads are kept for a minute after their stream ended: a restart (a crash loop, a scaled-up
     * type) then reads its new child at once instead of first creating two threads.
     */
    private static final ExecutorService READERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "procdeck-reader");
                t.setDaemon(true);
                return t;
            });

    private static final ThreadLocal<Integer> NICE = ThreadLocal.withInitial(() -> 0);

    private OutputReader() {
    }

    static CompletableFuture<Void> start(String instance, LogStream stream, InputStream in, LogBus bus,
                                         SupervisorSettings settings) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        READERS.execute(() -> {
            Thread self = Thread.currentThread();
            self.setName(instance + "-" + stream.name().toLowerCase());
            // A pooled thread may have read for a supervisor with another nice value (the dashboard's are niced).
            if (NICE.get() != settings.readerNice() && PosixSignals.niceCurrentThread(settings.readerNice())) {
                NICE.set(settings.readerNice());
            }
            LineSplitter splitter = new LineSplitter(settings.maxLineBytes(),
                    (lines, count, plain) -> bus.publish(instance, stream, lines, count, plain));
            try (in) {
                splitter.pump(in);
            } catch (IOException e) {
                splitter.finish();
            } catch (OutOfMemoryError e) {
                throw e; // not absorbed: it reaches the thread's handler, which ends procdeck (cli.OutOfMemoryExit)
            } catch (RuntimeException | Error e) {
                // No reader dies silently: say so where the user reads the output.
                bus.event(instance, instance + ": output reader for " + stream.name().toLowerCase() + " failed: " + e);
            } finally {
                self.setName("procdeck-reader");
                done.complete(null);
            }
        });
        return done;
    }
}
