package dev.procdeck.runtime;

import dev.procdeck.logs.LogBatch;
import dev.procdeck.os.ProcessMetrics;
import dev.procdeck.supervisor.InstanceSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A running procdeck driven through its control socket by someone who does not own its processes: the
 * dashboard's File › Attach…. It reads {@code ps} on one kept connection, sends each command on a connection of
 * its own (a command never waits behind a slow {@code ps}), and follows the log on a thread of its own. Blocking
 * calls: never on the FX thread.
 *
 * <p>The procdeck it attached to is the one that answered first, by pid: when that one stops and another starts
 * on the same socket, this run is over ({@link EndedException}) rather than silently driving a different one.
 */
public final class AttachedRun implements AutoCloseable {
    /** A process type of the attached app, as its Procfile and procdeck.yml give it. */
    public record RemoteType(String name, String command, boolean tty, boolean scheduled) {
    }

    /** One {@code ps}: the formation, the types in Procfile order, the instances and their CPU and memory. */
    public record Status(Map<String, Integer> formation, List<RemoteType> types, List<InstanceSnapshot> instances,
                         Map<String, ProcessMetrics.Usage> usage, List<JobWire.Job> jobs) {
    }

    /** The procdeck attached to is gone; the message says so for the user. */
    public static final class EndedException extends IOException {
        public EndedException(String message) {
            super(message);
        }
    }

    /**
     * What one status may hold, whatever the other end sends: a Procfile of more types, or a formation of more
     * instances (100 per type), is not one procdeck makes.
     */
    static final int MAX_TYPES = 500;
    static final int MAX_INSTANCES = 5000;
    /** Characters kept of a type's command: a long one still shows, a megabyte one does not stall the table. */
    static final int MAX_COMMAND = 8192;

    /** Recent lines a new follower asks for: enough to fill the console with context. */
    public static final int RECENT_LINES = 1000;

    private final ControlClient.Target target;
    private final Object pollLock = new Object();
    /** The kept ps connection; volatile so {@link #close()} hangs it up without waiting for a ps in flight. */
    private volatile ControlClient polling;
    private final Set<ControlClient> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private AttachedRun(ControlClient.Target target) {
        this.target = target;
    }

    /** Attaches to the procdeck answering on {@code socket}: its own, or one forwarded over SSH. */
    public static AttachedRun open(Path socket) throws IOException {
        return new AttachedRun(ControlClient.at(socket));
    }

    public ControlClient.Target target() {
        return target;
    }

    /** A {@code ps} now. The kept connection is opened again once if the server closed it (60 s idle). */
    public Status status() throws IOException {
        synchronized (pollLock) {
            for (int attempt = 0; ; attempt++) {
                if (closed) {
                    throw new EndedException("detached");
                }
                try {
                    ControlClient c = polling;
                    if (c == null) {
                        c = ControlClient.connect(target.socket());
                        polling = c;
                        if (closed) { // close() ran while connecting and saw no connection to hang up
                            c.close();
                            polling = null;
                            throw new EndedException("detached");
                        }
                    }
                    Map<String, Object> answer = c.call(new ControlMessages.Ps());
                    requireSameProcdeck(answer);
                    return parseStatus(answer);
                } catch (ControlClient.RefusedException | EndedException e) {
                    throw e;
                } catch (IOException e) {
                    ControlClient c = polling;
                    if (c != null) {
                        c.close();
                        polling = null;
                    }
                    if (closed) {
                        throw new EndedException("detached");
                    }
                    // Once more on a new connection only when this one was closed (procdeck hangs up after 60 s
                    // idle); a procdeck that did not answer within the timeout would not answer the retry either,
                    // and the caller (the dashboard's attach, on its io thread) would wait twice as long.
                    if (attempt > 0 || e instanceof java.net.SocketTimeoutException) {
                        throw ended(e);
                    }
                }
            }
        }
    }

    /** Changes the formation (every count checked before any is applied); returns the formation after it. */
    public Map<String, Integer> scale(Map<String, Integer> counts) throws IOException {
        Map<String, Long> formation = new LinkedHashMap<>();
        counts.forEach((type, n) -> formation.put(type, (long) n));
        return formationOf(once(new ControlMessages.Scale(formation)));
    }

    /** Runs a scheduled type now (its overlap applies); returns what happened: started, queued or skipped. */
    public String runJob(String type) throws IOException {
        return String.valueOf(once(new ControlMessages.RunJob(type)).get("trigger"));
    }

    /**
     * {@code restart}, {@code stop} or {@code start} of a type, an instance, or everything ({@code target}
     * null); returns the instance names acted on.
     */
    public List<String> act(String op, String targetName) throws IOException {
        Map<String, Object> answer = once(ControlMessages.lifecycle(op, targetName));
        List<String> names = new ArrayList<>();
        if (answer.get("targets") instanceof List<?> l) {
            l.forEach(n -> names.add(String.valueOf(n)));
        }
        return names;
    }

    private Map<String, Object> once(ControlMessages.Request request) throws IOException {
        if (closed) {
            throw new EndedException("detached");
        }
        try (ControlClient c = ControlClient.connect(target.socket())) {
            Map<String, Object> hello = c.call(new ControlMessages.Hello());
            requireSameProcdeck(hello);
            return c.call(request);
        } catch (ControlClient.RefusedException | EndedException e) {
            throw e;
        } catch (IOException e) {
            throw ended(e);
        }
    }

    /**
     * Follows the log on a daemon thread: the last {@code recent} lines, then every new one, each to
     * {@code lines} as a batch of one (safe to call from that thread: the sink must not wait). A follower that
     * fell behind and was dropped by procdeck follows again and says how; {@code ended} is told once when the
     * stream is over for good (procdeck stopped, or {@link #close()}).
     */
    public Thread follow(int recent, Consumer<LogBatch> lines, Consumer<String> ended) {
        Thread t = new Thread(() -> followLoop(recent, lines, ended), "procdeck-attached-log");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void followLoop(int recent, Consumer<LogBatch> lines, Consumer<String> ended) {
        long sequence = 0;
        int ask = recent;
        LogNames names = new LogNames();
        String why;
        while (true) {
            ControlClient c = null;
            try {
                c = ControlClient.connect(target.socket());
                streams.add(c);
                if (closed) {
                    why = "detached";
                    break;
                }
                requireSameProcdeck(c.call(new ControlMessages.Hello()));
                c.call(ControlMessages.Logs.recent(ask).following());
                String fellBehind = null;
                while (fellBehind == null) {
                    Map<String, Object> m = c.next(null);
                    if (m == null) {
                        throw new EndedException(stoppedText());
                    }
                    List<?> frame = LogWire.entries(m);
                    if (frame != null) {
                        for (Object entry : frame) {
                            if (!(entry instanceof Map<?, ?> l)) {
                                continue;
                            }
                            LogBatch line = LogWire.read(l, sequence);
                            if (names.admit(line.instance())) {
                                sequence++;
                                lines.accept(line);
                            } else if (!names.told) {
                                names.told = true;
                                lines.accept(LogBatch.event("procdeck", java.time.Instant.now(), sequence++,
                                        "the attached procdeck's log names more than " + MAX_LOG_NAMES + " instances or "
                                                + MAX_TYPES + " types; lines of further ones are left out"));
                            }
                        }
                    } else if (m.get("error") != null) {
                        fellBehind = String.valueOf(m.get("error"));
                    } else if (Boolean.TRUE.equals(m.get("end"))) {
                        Object reason = m.get("reason");
                        throw new EndedException(reason == null || "procdeck stopped".equals(reason) ? stoppedText()
                                : stoppedText() + ": " + dev.procdeck.procfile.Visible.escape(String.valueOf(reason)));
                    }
                }
                lines.accept(LogBatch.event("procdeck", java.time.Instant.now(), sequence++, fellBehind
                        + "; lines were missed, following again"));
                ask = 0;
            } catch (IOException e) {
                why = closed ? "detached" : ended(e).getMessage();
                break;
            } finally {
                if (c != null) {
                    streams.remove(c);
                    c.close();
                }
            }
        }
        ended.accept(why);
    }

    /** Distinct instance names a follower passes on: a procdeck's instances, plus its job and one-off runs. */
    static final int MAX_LOG_NAMES = 2 * MAX_INSTANCES;

    /**
     * The instance names (and their types) a follower has passed on, bounded: the console keeps a slot, a filter
     * entry and a type for each name and sorts them on the FX thread, so a stream naming a new instance on every
     * line (no procdeck writes one) would stall the window for seconds a pulse.
     */
    private static final class LogNames {
        private final Set<String> names = new java.util.HashSet<>();
        private final Set<String> types = new java.util.HashSet<>();
        boolean told;

        boolean admit(String instance) {
            if (names.contains(instance)) {
                return true;
            }
            String type = dev.procdeck.logs.LogLine.typeOf(instance);
            if (names.size() >= MAX_LOG_NAMES || (!types.contains(type) && types.size() >= MAX_TYPES + 2)) {
                return false;
            }
            names.add(instance);
            types.add(type);
            return true;
        }
    }

    private void requireSameProcdeck(Map<String, Object> answer) throws EndedException {
        Object pid = answer.get("pid");
        if (pid instanceof Long p && target.pid() > 0 && p != target.pid()) {
            throw new EndedException(stoppedText() + "; procdeck pid " + p + " runs " + target.app()
                    + " now (attach again to drive it)");
        }
    }

    private String stoppedText() {
        return "procdeck " + target.pid() + ", which ran " + target.app() + ", stopped";
    }

    private IOException ended(IOException e) {
        if (e instanceof EndedException) {
            return e;
        }
        if (e instanceof java.net.ConnectException || e instanceof java.nio.file.NoSuchFileException) {
            return new EndedException(stoppedText());
        }
        return new EndedException(stoppedText() + " or cannot be reached: " + e.getMessage());
    }

    /** Reads a {@code ps} answer; instances that cannot be read are left out rather than failing the rest. */
    static Status parseStatus(Map<String, Object> answer) {
        Map<String, Integer> formation = formationOf(answer);
        List<RemoteType> types = new ArrayList<>();
        if (answer.get("types") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> t && t.get("name") instanceof String name
                        && dev.procdeck.procfile.ProcfileParser.isTypeName(name) && types.size() < MAX_TYPES) {
                    types.add(new RemoteType(name, java.util.Objects.requireNonNullElse(
                            InstanceWire.shown(t.get("command"), MAX_COMMAND), ""),
                            Boolean.TRUE.equals(t.get("tty")), Boolean.TRUE.equals(t.get("scheduled"))));
                }
            }
        } else {
            formation.keySet().stream().filter(dev.procdeck.procfile.ProcfileParser::isTypeName).limit(MAX_TYPES)
                    .forEach(name -> types.add(new RemoteType(name, "", false, false))); // an older procdeck
        }
        List<InstanceSnapshot> instances = new ArrayList<>();
        Map<String, ProcessMetrics.Usage> usage = new LinkedHashMap<>();
        if (answer.get("instances") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> i && instances.size() < MAX_INSTANCES) {
                    try {
                        InstanceSnapshot s = InstanceWire.read(i);
                        instances.add(s);
                        ProcessMetrics.Usage u = InstanceWire.usage(i);
                        if (u != null) {
                            usage.put(s.name(), u);
                        }
                    } catch (IllegalArgumentException e) {
                        // Not one we can show; the rest still is.
                    }
                }
            }
        }
        List<JobWire.Job> jobs = new ArrayList<>();
        if (answer.get("jobs") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> j && jobs.size() < MAX_TYPES) {
                    try {
                        jobs.add(JobWire.read(j));
                    } catch (IllegalArgumentException e) {
                        // Not one we can show; the rest still is.
                    }
                }
            }
        }
        return new Status(formation, types, instances, usage, jobs);
    }

    private static Map<String, Integer> formationOf(Map<String, Object> answer) {
        Map<String, Integer> formation = new LinkedHashMap<>();
        if (answer.get("formation") instanceof Map<?, ?> f) {
            f.forEach((k, v) -> {
                // A count no procdeck allows is left out: (int) of 2^32 + 2 would read as a plausible 2.
                if (v instanceof Long n && n >= 0 && n <= dev.procdeck.supervisor.Formation.MAX_SCALE) {
                    formation.put(String.valueOf(k), n.intValue());
                }
            });
        }
        return formation;
    }

    /** Stops following and polling; the attached procdeck and its processes are not touched. */
    @Override
    public void close() {
        closed = true;
        streams.forEach(ControlClient::close);
        // Not under pollLock: a ps in flight holds it for as long as a stalled server makes it wait (the answer
        // timeout, twice). Closing the connection ends that wait now; the poller then sees closed and stops.
        ControlClient p = polling;
        if (p != null) {
            p.close();
        }
    }
}
