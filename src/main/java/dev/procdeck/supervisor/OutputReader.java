package dev.procdeck.supervisor;

import dev.procdeck.logs.LineSplitter;
import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogStream;
import dev.procdeck.os.PosixSignals;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Reads one output stream of one instance onto the {@link LogBus}, on a thread of its own. Supervision never
 * waits for it: the returned future only tells when the stream reached its end. Lines stay bytes here (see
 * {@link LineSplitter}); when an output is full, {@code publish} waits, and so the child's writes block on a
 * full pipe, which is the back-pressure a terminal applies to any program.
 */
final class OutputReader {
    private OutputReader() {
    }

    static CompletableFuture<Void> start(String instance, LogStream stream, InputStream in, LogBus bus,
                                         SupervisorSettings settings) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            if (settings.readerNice() != 0) {
                PosixSignals.niceCurrentThread(settings.readerNice());
            }
            LineSplitter splitter = new LineSplitter(settings.maxLineBytes(),
                    (lines, count, plain) -> bus.publish(instance, stream, lines, count, plain));
            try (in) {
                splitter.pump(in);
            } catch (IOException e) {
                splitter.finish();
            } catch (RuntimeException | Error e) {
                // No reader dies silently: say so where the user reads the output.
                bus.event(instance, instance + ": output reader for " + stream.name().toLowerCase() + " failed: " + e);
            } finally {
                done.complete(null);
            }
        }, instance + "-" + stream.name().toLowerCase());
        reader.setDaemon(true);
        reader.start();
        return done;
    }
}
