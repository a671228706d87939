package dev.procdeck.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

/**
 * The control socket's conventions, shared by {@link ControlServer} and {@link ControlClient}; the wire format
 * is documented in docs/control-protocol.md and typed in {@link ControlMessages}. JSON lines: each request is
 * one object on one line carrying {@code "v"} and {@code "op"}; each answer is one object on one line with
 * {@code "ok"}; {@code logs} and {@code connect} then turn the connection into a stream of such lines.
 */
public final class ControlProtocol {
    /**
     * 2: log lines travel in frames, one per batch of output ({@code {"batch":[...]}}), instead of one
     * {@code {"log":...}} line each.
     */
    public static final int VERSION = 2;
    /** The socket's file name inside the project's state folder. */
    public static final String SOCKET_NAME = "control.sock";
    /** A request larger than this is refused and the connection closed: requests are small by nature. */
    public static final int MAX_REQUEST_BYTES = Integer.getInteger("procdeck.control.maxRequestBytes", 16 * 1024);
    /** What a client accepts as one answer line (a `ps` of hundreds of instances fits many times over). */
    public static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
    /**
     * sun_path of struct sockaddr_un holds 108 bytes including the terminating NUL: a longer path cannot be
     * bound or connected to at all.
     */
    public static final int MAX_SOCKET_PATH_BYTES = 107;

    private ControlProtocol() {
    }

    /** Where a project's procdeck listens. */
    public static Path socketPath(StateFolder state) {
        return state.project().resolve(SOCKET_NAME);
    }

    /** Throws with the fix when {@code socket} is too long to be a Unix socket address. */
    public static void requireShortEnough(Path socket) throws IOException {
        int length = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_SOCKET_PATH_BYTES) {
            throw new IOException("the control socket path " + socket + " is " + length + " bytes long, more than the "
                    + MAX_SOCKET_PATH_BYTES + " a Unix socket allows; set XDG_STATE_HOME to a shorter folder"
                    + " (e.g. XDG_STATE_HOME=/tmp/$USER-state) for both procdeck start and the commands that drive it");
        }
    }

    /**
     * What either end says when the other speaks another version: an old command talking to a new procdeck, or
     * a new command talking to a procdeck started by an older release. One text for both, so that the user reads
     * the same advice whichever side noticed; both ends of one release always agree.
     */
    static String versionMismatch(String procdeckSpeaks, String commandSpeaks) {
        return "version mismatch: the running procdeck speaks control protocol "
                + dev.procdeck.procfile.Visible.escape(procdeckSpeaks) + ", this command "
                + dev.procdeck.procfile.Visible.escape(commandSpeaks) + "; upgrade the command or restart that"
                + " procdeck so both are the same release";
    }

    /**
     * The access decision: only the user procdeck runs as may drive it. The socket's folder is 0700 already;
     * this is the second lock, for a folder whose mode someone widened, and for root, whom modes do not stop.
     */
    public static boolean peerAllowed(UserPrincipal peer, UserPrincipal self) {
        return peer != null && self != null && peer.equals(self);
    }

    /** The user this process runs as, as socket credentials name it. */
    public static UserPrincipal currentUser() throws IOException {
        // /proc/self belongs to our effective uid; the name lookup is the fallback off Linux.
        Path self = Path.of("/proc/self");
        if (Files.exists(self)) {
            return Files.getOwner(self);
        }
        return FileSystems.getDefault().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
    }
}
