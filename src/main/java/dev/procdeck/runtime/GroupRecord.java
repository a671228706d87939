package dev.procdeck.runtime;

import dev.procdeck.os.LiveGroups;
import dev.procdeck.os.PosixSignals;
import dev.procdeck.os.ProcIdentity;
import dev.procdeck.os.ProcStat;
import dev.procdeck.supervisor.Supervisor;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * One process group procdeck started: the pgid, its leader's start time (clock ticks since boot) and the
 * marker procdeck put into its environment ({@code PROCDECK_MARK}). Written as {@code pgid start marker} in a
 * session's groups file and as {@code pgid:start:marker} on the watchdog's command line.
 *
 * <p>Everything read back from disk or a command line goes through {@link #parse}, which rejects anything
 * that is not exactly that shape; and before any signal {@link #verify} checks the live system still agrees.
 * A pgid of -1 would mean "every process I may signal", 0 "my own group", 1 init's: never accepted.
 */
public record GroupRecord(long pgid, long startTime, String marker) {
    /** Linux's pid_max can be at most 2^22; anything beyond is not a pid. */
    static final long MAX_PID = 4_194_304;
    /**
     * A marker as the supervisor makes them ({@code <pid>-<random hex>}, see {@link Supervisor#marker()}): lowercase
     * letters, digits and dashes, 8 to 80 of them. Nothing else passes, so a record can carry no shell or
     * control characters to the watchdog.
     */
    private static final Pattern MARKER = Pattern.compile("[0-9a-z][0-9a-z-]{7,79}");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,19}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public GroupRecord {
        if (pgid <= 1 || pgid > MAX_PID) {
            throw new IllegalArgumentException("process group " + pgid + " is out of range");
        }
        if (startTime < 0) {
            throw new IllegalArgumentException("process group " + pgid + " has no valid start time");
        }
        if (marker == null || !MARKER.matcher(marker).matches()) {
            throw new IllegalArgumentException("process group " + pgid + " has no valid marker");
        }
    }

    /** Whether a text has a marker's shape (and so is safe on a command line and in /proc comparisons). */
    static boolean isMarker(String text) {
        return text != null && MARKER.matcher(text).matches();
    }

    /** A fresh marker of the supervisor's shape, for tests and tools. */
    static String newMarker() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(bytes);
    }

    /** Parses {@code pgid start marker} (groups file) or {@code pgid:start:marker} (watchdog argument). */
    public static GroupRecord parse(String text) {
        if (text == null || text.length() > 120) {
            throw new IllegalArgumentException("malformed group record");
        }
        String[] f = text.strip().split(text.indexOf(':') >= 0 ? ":" : " ", -1);
        if (f.length != 3 || !NUMBER.matcher(f[0]).matches() || !NUMBER.matcher(f[1]).matches()) {
            throw new IllegalArgumentException("malformed group record \"" + printable(text) + "\"");
        }
        try {
            return new GroupRecord(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed group record \"" + printable(text) + "\"");
        }
    }

    /** The groups-file line (without newline). */
    public String line() {
        return pgid + " " + startTime + " " + marker;
    }

    /** The watchdog argument. */
    public String argument() {
        return pgid + ":" + startTime + ":" + marker;
    }

    /** What {@link #verify} found. */
    public enum Status {
        /** Still running, and provably the group procdeck started: may be signalled. */
        OURS,
        /** No process of the group is left: nothing to do. */
        GONE,
        /** procdeck's own process group: never signalled. */
        OWN_GROUP,
        /** The leader's pid now belongs to a later process (pid reused). */
        START_TIME_DIFFERS,
        /** No process of the group carries this record's marker. */
        MARKER_DIFFERS;

        /** Why a record was skipped, for a message; null for OURS and GONE. */
        public String reason() {
            return switch (this) {
                case OURS, GONE -> null;
                case OWN_GROUP -> "it is procdeck's own process group";
                case START_TIME_DIFFERS -> "its leader's start time differs (the pid was reused)";
                case MARKER_DIFFERS -> "it does not carry the marker procdeck gave it";
            };
        }
    }

    /**
     * Checks the live system: the group exists, is not procdeck's own, its leader (if still there) has the
     * recorded start time, and the leader, or when the leader is gone or unreadable any process of the
     * group, has {@code PROCDECK_MARK=marker} in its environment. Linux does not hand out a pid that is still
     * in use as a process group id, so a group whose leader is gone still is the one we started.
     */
    public Status verify() {
        long own = PosixSignals.ownGroup();
        if (pgid == own || (own < 0 && pgid == ProcessHandle.current().pid())) {
            return Status.OWN_GROUP;
        }
        if (!LiveGroups.hasLiveMember(pgid)) {
            return Status.GONE;
        }
        OptionalLong leaderStart = ProcStat.startTime(pgid);
        if (leaderStart.isPresent() && leaderStart.getAsLong() != startTime) {
            return Status.START_TIME_DIFFERS;
        }
        if (ProcIdentity.hasEnvironmentEntry(pgid, Supervisor.MARK_VARIABLE, marker)) {
            return Status.OURS;
        }
        for (long pid : ProcIdentity.members(pgid)) {
            if (ProcIdentity.hasEnvironmentEntry(pid, Supervisor.MARK_VARIABLE, marker)) {
                return Status.OURS;
            }
        }
        return LiveGroups.hasLiveMember(pgid) ? Status.MARKER_DIFFERS : Status.GONE;
    }

    static String printable(String text) {
        // Whatever was on disk, shown as plain ASCII and short: a message must not carry control characters.
        String t = text.length() > 40 ? text.substring(0, 40) : text;
        StringBuilder sb = new StringBuilder();
        t.codePoints().forEach(c -> sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : "?"));
        return text.length() > 40 ? sb + "..." : sb.toString();
    }
}
