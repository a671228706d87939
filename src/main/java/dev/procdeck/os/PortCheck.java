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
}
