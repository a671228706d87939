package dev.procdeck.runtime;

import dev.procdeck.os.ProcStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * The process groups a session has running, kept in a file ({@code pgid starttime} per line) that the
 * watchdog reads after procdeck dies and that the next launch reads to find leftovers. Rewritten whole and
 * renamed into place, so a reader never sees half a file.
 */
public final class GroupRegistry {
    private final Path file;
    private final Map<Long, Long> groups = new LinkedHashMap<>();

    public GroupRegistry(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public LongConsumer onStarted() {
        return this::started;
    }

    public synchronized void started(long pgid) {
        OptionalLong start = ProcStat.startTime(pgid);
        groups.put(pgid, start.orElse(-1));
        write();
    }

    public synchronized void ended(long pgid) {
        if (groups.remove(pgid) != null) {
            write();
        }
    }

    /** Empties the registry on a clean exit: nothing is left for the watchdog. */
    public synchronized void clear() {
        groups.clear();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // The watchdog checks start times, a stale file does no harm.
        }
    }

    private void write() {
        StringBuilder sb = new StringBuilder();
        groups.forEach((pgid, start) -> sb.append(pgid).append(' ').append(start).append('\n'));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, sb, StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("procdeck: cannot record process groups in " + file + ": " + e.getMessage());
        }
    }

    /** Reads a registry file: pgid → start time (-1 if unknown). */
    public static Map<Long, Long> read(Path file) {
        Map<Long, Long> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split(" ");
                if (f.length == 2) {
                    out.put(Long.parseLong(f[0]), Long.parseLong(f[1]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Missing or unreadable: nothing recorded.
        }
        return out;
    }
}
