package dev.procdeck.runtime;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Watches a project folder for changes to the named project files (Procfile, .env, procdeck.yml) and calls back once per burst of
 * changes (editors save in several steps), on its own daemon thread.
 */
public final class ProjectWatcher implements AutoCloseable {
    private static final long SETTLE_MS = 300;
    private final WatchService service;
    private final Thread thread;

    public ProjectWatcher(Path folder, Set<String> fileNames, Runnable onChange) throws IOException {
        service = FileSystems.getDefault().newWatchService();
        folder.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        thread = new Thread(() -> loop(fileNames, onChange), "procdeck-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(Set<String> fileNames, Runnable onChange) {
        try {
            while (true) {
                WatchKey key = service.take();
                boolean relevant = relevant(key, fileNames);
                // Collect the rest of the burst before reacting.
                WatchKey more;
                while ((more = service.poll(SETTLE_MS, TimeUnit.MILLISECONDS)) != null) {
                    relevant |= relevant(more, fileNames);
                }
                if (relevant) {
                    onChange.run();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private static boolean relevant(WatchKey key, Set<String> fileNames) {
        boolean relevant = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            Object context = event.context();
            if (event.kind() == StandardWatchEventKinds.OVERFLOW
                    || (context instanceof Path p && fileNames.contains(p.getFileName().toString()))) {
                relevant = true;
            }
        }
        key.reset();
        return relevant;
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            // nothing to release
        }
        thread.interrupt();
    }
}
