package dev.procdeck.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Lines over a socket with a deadline on every read and write: a peer that stops reading or writing costs at
 * most the deadline, never a thread for ever. The channel is non-blocking, waited on with a selector of its own.
 * One reader thread and one writer thread at a time (writes are serialised).
 */
final class LineChannel implements AutoCloseable {
    /** Thrown when a line exceeds the allowed size; what was read of it is discarded. */
    static final class LineTooLongException extends IOException {
        LineTooLongException(int max) {
            super("line longer than " + max + " bytes");
        }
    }

    private final SocketChannel channel;
    private final Selector readSelector;
    private final Selector writeSelector;
    private final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final Object writeLock = new Object();

    LineChannel(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        readSelector = Selector.open();
        writeSelector = Selector.open();
        channel.register(readSelector, SelectionKey.OP_READ);
        channel.register(writeSelector, SelectionKey.OP_WRITE);
        in.flip(); // empty, ready for reading
    }

    SocketChannel channel() {
        return channel;
    }

    /**
     * The next line without its newline, or null at end of stream.
     *
     * @param timeout how long to wait for the whole line, or null to wait as long as it takes
     * @throws LineTooLongException past {@code maxBytes}
     * @throws SocketTimeoutException past the deadline
     */
    String readLine(int maxBytes, Duration timeout) throws IOException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    return s;
                }
                if (line.size() >= maxBytes) {
                    line.reset();
                    throw new LineTooLongException(maxBytes);
                }
                line.write(b);
            }
            in.clear();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                return null;
            }
            if (n == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("no complete line within " + timeout.toSeconds() + " s");
                }
                await(readSelector, timeout == null ? 0 : Math.max(1, left / 1_000_000));
            }
        }
    }

    /** True once the peer closed its end; checked without waiting. Bytes it sent meanwhile are discarded. */
    boolean peerClosed() throws IOException {
        return channel.read(ByteBuffer.allocate(512)) < 0;
    }

    /** Writes one line (a newline is added) within {@code timeout}, else throws and the caller closes. */
    void writeLine(String text, Duration timeout) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (writeLock) {
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("the peer did not read for " + timeout.toSeconds() + " s");
                    }
                    await(writeSelector, Math.max(1, left / 1_000_000));
                }
            }
        }
    }

    private static void await(Selector selector, long millis) throws IOException {
        try {
            selector.select(millis);
            selector.selectedKeys().clear();
        } catch (java.nio.channels.ClosedSelectorException e) {
            throw new java.nio.channels.ClosedChannelException();
        }
    }

    /** Interrupts a pending read or write of another thread and closes the connection. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        try {
            readSelector.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        try {
            writeSelector.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
