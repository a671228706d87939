package dev.procdeck.os;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * kill(2) for process groups. The JDK can only signal single processes, so we call libc through JNA, and
 * fall back to the {@code kill} command where JNA cannot load.
 */
public final class PosixSignals {
    private static final boolean NATIVE;

    static {
        NATIVE = Libc.AVAILABLE;
        OWN_GROUP = ownGroup();
    }

    private static final long OWN_GROUP;

    private PosixSignals() {
    }

    /**
     * Loads the native binding now. JNA unpacks and links its library on first use, which takes tens of
     * milliseconds: paid at start-up instead of on the first crash, where it would delay the restart.
     */
    public static boolean nativeAvailable() {
        return NATIVE;
    }



    /** Procdeck's own process group, or -1 where unknown; never signalled as a "recorded" group. */
    public static long ownGroup() {
        if (!NATIVE) {
            return -1;
        }
        try {
            return Libc.getpgrp();
        } catch (UnsatisfiedLinkError e) {
            return -1;
        }
    }


    /**
     * Lowers the scheduling priority of the calling thread (Linux nice values are per thread). Used for
     * output readers next to a UI: under a flood the window's thread should win the CPU, and the children
     * simply block on full pipes a little longer. Returns false where unsupported.
     */
    public static boolean niceCurrentThread(int nice) {
        if (!NATIVE) {
            return false;
        }
        try {
            String self = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self")).toString();
            int tid = Integer.parseInt(self.substring(self.lastIndexOf('/') + 1));
            return Libc.setpriority(0, tid, nice) == 0;
        } catch (java.io.IOException | RuntimeException | UnsatisfiedLinkError e) {
            return false;
        }
    }

    /**
     * Signals every process of group {@code pgid}. Refuses ids that would hit more than one group
     * ({@code kill(-1)} means "every process I may signal").
     *
     * @return true if the group existed
     */
    public static boolean signalGroup(long pgid, int signal) {
        if (pgid <= 1 || pgid > Integer.MAX_VALUE || pgid == OWN_GROUP) {
            // kill(-1) means "every process I may signal"; procdeck's own group holds procdeck and its shell.
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        if (NATIVE) {
            return Libc.kill((int) -pgid, signal) == 0;
        }
        return runKill("-" + signal, "--", "-" + pgid);
    }

    /** True if any process of the group is alive. */
    public static boolean groupAlive(long pgid) {
        return pgid > 1 && pgid != OWN_GROUP && signalGroup(pgid, 0);
    }

    /** True if the single process is alive (zombies included). */
    public static boolean processAlive(long pid) {
        if (pid <= 1 || pid > Integer.MAX_VALUE) {
            return false;
        }
        if (NATIVE) {
            return Libc.kill((int) pid, 0) == 0;
        }
        return runKill("-0", Long.toString(pid));
    }

    private static boolean runKill(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "kill";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
