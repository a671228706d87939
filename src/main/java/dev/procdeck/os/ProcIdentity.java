package dev.procdeck.os;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What Linux's /proc says about who a process is: which process group it belongs to and whether its
 * environment carries a given {@code NAME=value} entry. Used to tell a process group procdeck started (it
 * carries procdeck's marker) from an unrelated one that happens to have the same number.
 *
 * <p>/proc/PID/environ is readable only for processes of the same user, so a process of another user never
 * matches: a second reason it is never signalled.
 */
public final class ProcIdentity {
    /** Environments are bounded by ARG_MAX (a few MiB at most); reading stops there. */
    static final int MAX_ENVIRON_BYTES = 4 * 1024 * 1024;
    private static final Path PROC = Path.of("/proc");

    private ProcIdentity() {
    }

    /** Pids of the live (non-zombie) processes whose process group is {@code pgid}. */
    public static List<Long> members(long pgid) {
        List<Long> pids = new ArrayList<>();
        for (ProcFs.Stat s : ProcFs.all()) {
            if (s.pgrp() == pgid && !s.zombie()) {
                pids.add(s.pid());
            }
        }
        return pids;
    }

    /**
     * The process groups of the live processes whose environment holds {@code name=value}, but {@code excluded}'s
     * and 1: every group a supervisor's processes ended up in, also those that moved out of the group procdeck
     * recorded (setsid) or whose leader exited before it could be recorded.
     */
    public static java.util.Set<Long> groupsCarrying(String name, String value, long excluded) {
        java.util.Set<Long> groups = new java.util.TreeSet<>();
        long self = ProcessHandle.current().pid();
        for (ProcFs.Stat s : ProcFs.all()) {
            if (!s.zombie() && s.pid() != self && s.pgrp() > 1 && s.pgrp() != excluded
                    && hasEnvironmentEntry(s.pid(), name, value)) {
                groups.add(s.pgrp());
            }
        }
        return groups;
    }

    /**
     * True if the environment the process was started with holds exactly the entry {@code name=value}.
     * False when it cannot be read (gone, a zombie, another user's).
     */
    public static boolean hasEnvironmentEntry(long pid, String name, String value) {
        if (pid <= 0) {
            return false;
        }
        byte[] needle = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
        byte[] env;
        try (InputStream in = Files.newInputStream(PROC.resolve(Long.toString(pid)).resolve("environ"))) {
            env = in.readNBytes(MAX_ENVIRON_BYTES);
        } catch (IOException | RuntimeException e) {
            return false;
        }
        // Entries are NUL-terminated: match a whole entry, not a substring of another one.
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start == needle.length && regionEquals(env, start, needle)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    private static boolean regionEquals(byte[] hay, int from, byte[] needle) {
        for (int j = 0; j < needle.length; j++) {
            if (hay[from + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }
}
