package dev.procdeck.router;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The router's one line per request, in Heroku's format, gathered from the I/O threads and published on the log
 * bus as one batch per flush (the console and the session log see source {@code router}). Bounded: past
 * {@link #MAX_PENDING_BYTES} between two flushes, lines are counted instead of kept and the count is said.
 */
final class RequestLog {
    static final String SOURCE = "router";
    static final int MAX_PENDING_BYTES = 4 * 1024 * 1024;
    /** A path longer than this is cut in the log line (the request itself is not changed). */
    static final int MAX_PATH_CHARS = 1024;

    private final LogBus bus;
    private List<String> pending = new ArrayList<>();
    private long pendingBytes;
    private long dropped;

    RequestLog(LogBus bus) {
        this.bus = bus;
    }

    synchronized void add(String line) {
        if (pendingBytes + line.length() > MAX_PENDING_BYTES) {
            dropped++;
            return;
        }
        pending.add(line);
        pendingBytes += line.length();
    }

    /** Publishes what was gathered since the last flush; called by the router's timer. */
    void flush() {
        List<String> lines;
        long lost;
        synchronized (this) {
            if (pending.isEmpty() && dropped == 0) {
                return;
            }
            lines = pending;
            lost = dropped;
            pending = new ArrayList<>();
            pendingBytes = 0;
            dropped = 0;
        }
        if (lost > 0) {
            lines.add("at=warning desc=\"" + lost + " request lines left out: more than "
                    + MAX_PENDING_BYTES / (1024 * 1024) + " MiB of them in 0.1 s\"");
        }
        bus.publish(SOURCE, LogStream.STDOUT, lines);
    }

    /** One request as Heroku's router logs it. */
    static String line(RouterError error, String method, String path, String host, String requestId, String fwd,
                       String dyno, long connectMillis, long serviceMillis, int status, long bytes) {
        StringBuilder b = new StringBuilder(200);
        if (error == null) {
            b.append("at=info");
        } else {
            b.append("at=error code=").append(error.name()).append(" desc=\"").append(error.description()).append('"');
        }
        b.append(" method=").append(token(method));
        b.append(" path=\"").append(quoted(path, MAX_PATH_CHARS)).append('"');
        b.append(" host=").append(token(host));
        b.append(" request_id=").append(token(requestId));
        b.append(" fwd=\"").append(quoted(fwd, 256)).append('"');
        b.append(" dyno=").append(dyno == null ? "" : dyno);
        b.append(" connect=").append(connectMillis).append("ms");
        b.append(" service=").append(serviceMillis).append("ms");
        b.append(" status=").append(status);
        b.append(" bytes=").append(bytes);
        b.append(" protocol=http");
        return b.toString();
    }

    /** A client-given word (method, host): printable ASCII without spaces or quotes, else escaped. */
    private static String token(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        return quoted(s, 256).replace(" ", "\\x20");
    }

    /** Client-given text inside quotes: quotes, backslashes and anything not printable ASCII escaped. */
    static String quoted(String s, int max) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 8);
        for (int i = 0; i < s.length(); i++) {
            if (b.length() >= max) {
                b.append("…");
                break;
            }
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else if (c > 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
