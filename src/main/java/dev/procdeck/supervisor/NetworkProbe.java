package dev.procdeck.supervisor;

import dev.procdeck.procfile.Readiness;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;

/** {@link ReadinessProbe#NETWORK}: HTTP GET and TCP connect to the instance's $PORT on 127.0.0.1. */
final class NetworkProbe {
    /** A local connection is accepted or refused at once; a longer wait means a listener with a full backlog. */
    static final int CONNECT_TIMEOUT_MILLIS = 1000;
    /** A health endpoint that takes longer than this to answer does not count as ready yet. */
    static final int READ_TIMEOUT_MILLIS = 2000;

    private NetworkProbe() {
    }

    static ReadinessProbe.Answer check(Readiness readiness, int port, long pgid) {
        ReadinessProbe.Answer answer = switch (readiness.kind()) {
            case HTTP -> http(readiness.target(), port);
            case PORT -> tcp(port);
            case LOG -> new ReadinessProbe.Answer(false, "log readiness is matched on the output, not probed");
        };
        return answer.ready() ? ownAnswer(answer, port, pgid) : answer;
    }

    /**
     * An answer counts only if it is the instance's: when a program that was there before the instance holds the
     * port and no process of the instance's group does, it answered (python3 -m http.server on 7950 made a
     * {@code web: sleep 999} ready, and its dependents start).
     */
    static ReadinessProbe.Answer ownAnswer(ReadinessProbe.Answer answer, int port, long pgid) {
        var listeners = dev.procdeck.os.PortOwners.of(port);
        if (listeners.isEmpty() || listeners.get().heldByGroup(pgid)) {
            return answer;
        }
        var older = listeners.get().olderThanGroup(pgid);
        if (older.isEmpty()) {
            return answer; // nothing here before the instance: what answers may be its doing (a container's proxy)
        }
        return new ReadinessProbe.Answer(false, "port " + port + " is held by another program, not this instance: "
                + older.stream().map(dev.procdeck.os.PortOwners.Holder::describe)
                        .collect(java.util.stream.Collectors.joining(", ")));
    }

    static ReadinessProbe.Answer tcp(int port) {
        return tcp(port, CONNECT_TIMEOUT_MILLIS);
    }

    /** As {@link #tcp(int)}, within {@code timeoutMillis} (a liveness check's timeout). */
    static ReadinessProbe.Answer tcp(int port, int timeoutMillis) {
        try (Socket socket = new Socket(Proxy.NO_PROXY)) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    Math.min(timeoutMillis, CONNECT_TIMEOUT_MILLIS));
            return new ReadinessProbe.Answer(true, "port " + port + " accepted a connection");
        } catch (IOException e) {
            return new ReadinessProbe.Answer(false, "port " + port + " " + failure(e));
        }
    }

    /**
     * GET http://127.0.0.1:$PORT{path}: ready on 2xx and 3xx. Redirects are not followed at all (a 3xx already
     * counts), and no proxy is used: the check never leaves this machine whatever the path or the environment say.
     */
    static ReadinessProbe.Answer http(String path, int port) {
        return http(path, port, READ_TIMEOUT_MILLIS);
    }

    /** As {@link #http(String, int)}, with {@code timeoutMillis} to answer (a liveness check's timeout). */
    static ReadinessProbe.Answer http(String path, int port, int timeoutMillis) {
        String what = "http " + path;
        URL url;
        try {
            // A path that does not start with exactly one '/' could name another host ("//evil", "@evil").
            if (!path.startsWith("/") || path.startsWith("//") || path.chars().anyMatch(c -> c <= ' ' || c == 127)) {
                return new ReadinessProbe.Answer(false, what + " is not a path on the instance (start it with one /)");
            }
            url = new URL("http", "127.0.0.1", port, path);
            if (!"127.0.0.1".equals(url.getHost()) || url.getPort() != port) {
                return new ReadinessProbe.Answer(false, what + " is not a path on the instance");
            }
        } catch (MalformedURLException e) {
            return new ReadinessProbe.Answer(false, what + " is not a valid path: " + e.getMessage());
        }
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout(Math.min(timeoutMillis, CONNECT_TIMEOUT_MILLIS));
            connection.setReadTimeout(timeoutMillis);
            connection.setUseCaches(false);
            connection.setRequestProperty("User-Agent", "procdeck-readiness");
            connection.setRequestProperty("Connection", "close");
            int code = connection.getResponseCode();
            return new ReadinessProbe.Answer(code >= 200 && code < 400, what + " answered " + code);
        } catch (IOException e) {
            return new ReadinessProbe.Answer(false, what + " " + failure(e));
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private static String failure(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "refused the connection";
        }
        if (e instanceof SocketTimeoutException) {
            return "did not answer in time";
        }
        return "failed: " + e.getMessage();
    }
}
