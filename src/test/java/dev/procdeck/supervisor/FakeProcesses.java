package dev.procdeck.supervisor;

import dev.procdeck.os.Signal;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Fake processes and process groups: a launched "process" is a leader plus a count of other group members.
 * By default SIGTERM ends the whole group; a test can make a group ignore it, leave members behind, or end the
 * leader on its own. Every launch and signal is recorded for assertions.
 */
final class FakeProcesses implements ProcessLauncher, ProcessGroups {

    final class Proc implements LaunchedProcess {
        final long pid;
        final LaunchSpec spec;
        final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        int others;
        boolean ignoresTerm;

        Proc(long pid, LaunchSpec spec) {
            this.pid = pid;
            this.spec = spec;
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public InputStream stdout() {
            return null;
        }

        @Override
        public InputStream stderr() {
            return null;
        }

        @Override
        public CompletableFuture<ExitStatus> onExit() {
            return exit;
        }

        /** The leader ends on its own; {@code leaveBehind} members stay in its group. */
        void exit(int code, int leaveBehind) {
            others = leaveBehind;
            exit.complete(new ExitStatus(code));
        }

        /** The members left behind end (SIGKILL, or they finish). */
        void othersEnd() {
            others = 0;
        }

        boolean groupAlive() {
            return !exit.isDone() || others > 0;
        }
    }

    final List<Proc> launched = new ArrayList<>();
    final List<String> signals = new ArrayList<>();
    final Map<Long, Proc> byPid = new LinkedHashMap<>();
    private long nextPid = 1000;
    boolean failLaunches;

    @Override
    public LaunchedProcess launch(LaunchSpec spec) throws java.io.IOException {
        if (failLaunches) {
            throw new java.io.IOException("cannot run");
        }
        Proc p = new Proc(nextPid++, spec);
        launched.add(p);
        byPid.put(p.pid, p);
        return p;
    }

    @Override
    public boolean signal(long pgid, Signal signal) {
        Proc p = byPid.get(pgid);
        if (p == null || !p.groupAlive()) {
            return false;
        }
        signals.add(signal + " " + p.spec.name());
        if (signal == Signal.KILL || !p.ignoresTerm) {
            p.others = 0;
            p.exit.complete(new ExitStatus(128 + signal.number));
        }
        return true;
    }

    @Override
    public boolean alive(long pgid) {
        Proc p = byPid.get(pgid);
        return p != null && p.groupAlive();
    }

    /** The latest process launched for an instance name. */
    Proc last(String name) {
        for (int i = launched.size() - 1; i >= 0; i--) {
            if (launched.get(i).spec.name().equals(name)) {
                return launched.get(i);
            }
        }
        throw new AssertionError("never launched: " + name);
    }

    long launches(String name) {
        return launched.stream().filter(p -> p.spec.name().equals(name)).count();
    }
}
