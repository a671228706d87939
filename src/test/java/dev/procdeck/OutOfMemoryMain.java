package dev.procdeck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real procdeck ({@link Main}) with one more thread, which waits until the first instance has written its
 * pid to {@code sleeper.pid} in the project folder, then allocates until the JVM runs out of heap. For
 * {@code OutOfMemoryTest}, run as a JVM of its own with a small {@code -Xmx}.
 */
public final class OutOfMemoryMain {
    private OutOfMemoryMain() {
    }

    public static void main(String[] args) {
        Thread allocator = new Thread(() -> {
            Path pid = Path.of("sleeper.pid");
            while (!Files.exists(pid)) {
                try {
                    Thread.sleep(20); // polls for a file a child writes; no event tells this thread of it
                } catch (InterruptedException e) {
                    return;
                }
            }
            List<byte[]> hog = new ArrayList<>();
            while (true) {
                hog.add(new byte[1 << 20]);
            }
        }, "allocator");
        allocator.setDaemon(true);
        allocator.start();
        Main.main(args);
    }
}
