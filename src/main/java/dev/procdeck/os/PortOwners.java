package dev.procdeck.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who listens on a TCP port, from {@code /proc/net/tcp{,6}} (the listening sockets' inodes) and the processes' open
 * files ({@code /proc/PID/fd/N -> socket:[inode]}). With it, "ready on port 5000" means a process of the instance's
 * own group listens there, not that something answers (another program on the port would), and "port in use" can
 * say by whom. Processes of other users cannot be looked into: their sockets are known to exist, their pids not.
 */
public final class PortOwners {
    private static final Path PROC = Path.of("/proc");
    /** The state column of a listening socket in /proc/net/tcp. */
    private static final String LISTEN = "0A";

    private PortOwners() {
    }

    /** A process holding a listening socket on the port. */
    public record Holder(long pid, long pgid, long startTicks, String command) {
        /** "pid 4242 (python3 -m http.server 7950)". */
        public String describe() {
            return "pid " + pid + (command.isEmpty() ? "" : " (" + command + ")");
        }
    }

    /**
     * What listens on {@code port}: the holders this user can see, and whether some listening socket's holder
     * could not be found (another user's process). Empty when /proc cannot tell (not Linux).
     */
    public record Listeners(List<Holder> holders, boolean unknownHolders) {
        public boolean any() {
            return !holders.isEmpty() || unknownHolders;
        }

        /** Whether a process of process group {@code pgid} is among the holders. */
        public boolean heldByGroup(long pgid) {
            return holders.stream().anyMatch(h -> h.pgid() == pgid);
        }

        /**
         * The holders outside group {@code pgid} that were running before its leader started: they held the port
         * before the instance could, so an answer on it is theirs. (A holder started later, such as a container
         * runtime's proxy the instance asked for, may be the instance's doing.)
         */
        public List<Holder> olderThanGroup(long pgid) {
            long leaderStart = ProcFs.stat(pgid).map(ProcFs.Stat::startTicks).orElse(Long.MAX_VALUE);
            return holders.stream().filter(h -> h.pgid() != pgid && h.startTicks() >= 0 && h.startTicks() < leaderStart)
                    .toList();
        }

        /** "pid 4242 (python3 -m http.server 7950)", or "a process of another user". */
        public String describe() {
            List<String> parts = new ArrayList<>(holders.stream().map(Holder::describe).toList());
            if (unknownHolders) {
                parts.add("a process of another user");
            }
            return String.join(", ", parts);
        }
    }

    public static Optional<Listeners> of(int port) {
        Set<String> inodes = new HashSet<>();
        boolean readable = false;
        for (String table : List.of("tcp", "tcp6")) {
            try {
                for (String line : Files.readAllLines(PROC.resolve("net").resolve(table))) {
                    String inode = listeningInode(line, port);
                    if (inode != null) {
                        inodes.add(inode);
                    }
                }
                readable = true;
            } catch (IOException | RuntimeException e) {
                // No IPv6, say: the other table still counts.
            }
        }
        if (!readable) {
            return Optional.empty();
        }
        if (inodes.isEmpty()) {
            return Optional.of(new Listeners(List.of(), false));
        }
        Set<String> found = new HashSet<>();
        List<Holder> holders = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC)) {
            for (Path process : processes) {
                String name = process.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                if (holds(process.resolve("fd"), inodes, found)) {
                    long pid = Long.parseLong(name);
                    Optional<ProcFs.Stat> stat = ProcFs.stat(pid);
                    holders.add(new Holder(pid, stat.map(ProcFs.Stat::pgrp).orElse(-1L),
                            stat.map(ProcFs.Stat::startTicks).orElse(-1L), commandLine(process)));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(new Listeners(List.copyOf(holders), !found.containsAll(inodes)));
    }

    /** The inode of a LISTEN line of /proc/net/tcp{,6} on {@code port}, or null. */
    static String listeningInode(String line, int port) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || !f[3].equals(LISTEN)) {
            return null;
        }
        int colon = f[1].lastIndexOf(':');
        if (colon < 0 || Integer.parseInt(f[1].substring(colon + 1), 16) != port) {
            return null;
        }
        return f[9];
    }

    private static boolean holds(Path fds, Set<String> inodes, Set<String> found) {
        boolean holds = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
            for (Path fd : entries) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        String inode = target.substring(8, target.length() - 1);
                        if (inodes.contains(inode)) {
                            found.add(inode);
                            holds = true;
                        }
                    }
                } catch (IOException e) {
                    // Closed meanwhile.
                }
            }
        } catch (IOException e) {
            // Another user's process, or gone.
        }
        return holds;
    }

    /** The command line, NULs as spaces, at most 120 characters, made visible (it is shown to the user). */
    private static String commandLine(Path process) {
        try {
            String text = new String(Files.readAllBytes(process.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8);
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < text.length() && s.length() < 120; i++) {
                char c = text.charAt(i);
                boolean invisible = c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= '\u202a' && c <= '\u202e')
                        || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f';
                s.append(c == 0 ? ' ' : invisible ? '?' : c);
            }
            return s.toString().strip();
        } catch (IOException e) {
            return "";
        }
    }
}
