package dev.procdeck.supervisor;

import dev.procdeck.logs.AnsiText;
import dev.procdeck.logs.LineSplitter;
import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogStream;
import dev.procdeck.os.PosixSignals;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads one output stream of one instance onto the {@link LogBus}, on a thread of its own. Supervision never
 * waits for it: the returned future only tells when the stream reached its end.
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
            LineSplitter splitter = new LineSplitter(settings.maxLineBytes(), (lines, clean) -> {
                if (clean) {
                    bus.publish(instance, stream, lines, true);
                    return;
                }
                List<String> safe = new ArrayList<>(lines.size());
                for (String line : lines) {
                    safe.add(AnsiText.keepColours(line));
                }
                bus.publish(instance, stream, safe);
            });
            try (in) {
                splitter.pump(in);
            } catch (IOException e) {
                splitter.finish();
            } finally {
                done.complete(null);
            }
        }, instance + "-" + stream.name().toLowerCase());
        reader.setDaemon(true);
        reader.start();
        return done;
    }
}
