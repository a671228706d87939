package dev.procdeck.os;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether a port is already taken, checked just before an instance starts, so that a "port in use" crash
 * comes with a message naming the port and the instance instead of only the child's own error.
 */
public final class PortCheck {
    private PortCheck() {
    }

    public static boolean inUse(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * A port nothing listens on right now, chosen by the kernel from its ephemeral range: the $PORT of a one-off
     * or scheduled run, which has no place in the formation's port blocks. Another program could take it before
     * the run binds it; that is as with any free port handed to a child.
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot find a free port: " + e.getMessage(), e);
        }
    }
}
