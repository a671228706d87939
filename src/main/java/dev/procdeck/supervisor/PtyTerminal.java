package dev.procdeck.supervisor;

import com.pty4j.WinSize;
import com.pty4j.unix.UnixPtyProcess;
import dev.procdeck.os.TerminalModes;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link InstanceTerminal} of a process launched by {@link PtyProcessLauncher}. Input is written to the
 * master on a writer thread of its own (started on first input, gone after a minute without), because a write
 * blocks while the terminal's input buffer is full, that is while the program does not read.
 */
final class PtyTerminal implements InstanceTerminal {
    private final String name;
    private final UnixPtyProcess process;
    private final ExecutorService writer;
    private final AtomicInteger queuedBytes = new AtomicInteger();
    private volatile boolean open = true;

    PtyTerminal(String name, UnixPtyProcess process) {
        this.name = name;
        this.process = process;
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, name + "-input");
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        this.writer = executor;
    }

    String name() {
        return name;
    }

    @Override
    public boolean write(byte[] bytes) {
        return queue(bytes.clone());
    }

    @Override
    public boolean interrupt() {
        return queue(new byte[] {modes().interruptChar()});
    }

    @Override
    public boolean eof() {
        return queue(new byte[] {modes().endOfFileChar()});
    }

    private boolean queue(byte[] bytes) {
        if (!open) {
            return false;
        }
        if (queuedBytes.addAndGet(bytes.length) > INPUT_BUDGET_BYTES && bytes.length > 0) {
            queuedBytes.addAndGet(-bytes.length);
            return false;
        }
        try {
            writer.execute(() -> {
                try {
                    if (open) {
                        OutputStream out = process.getOutputStream();
                        out.write(bytes);
                        out.flush();
                    }
                } catch (IOException e) {
                    // The terminal closed meanwhile (the run is over): the input had nowhere to go.
                } finally {
                    queuedBytes.addAndGet(-bytes.length);
                }
            });
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            queuedBytes.addAndGet(-bytes.length);
            return false;
        }
    }

    @Override
    public void resize(int columns, int rows) {
        if (!open || columns < 1 || rows < 1) {
            return;
        }
        try {
            process.setWinSize(new WinSize(columns, rows));
        } catch (RuntimeException e) {
            // The terminal closed under us: nothing to resize.
        }
    }

    @Override
    public boolean echoEnabled() {
        return modes().echo();
    }

    private TerminalModes modes() {
        if (!open) {
            return TerminalModes.DEFAULTS;
        }
        return TerminalModes.of(process.getPty().getMasterFD()).orElse(TerminalModes.DEFAULTS);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Closes the master side: the run is over (its group gone, its output read). */
    void close() {
        if (!open) {
            return;
        }
        open = false;
        writer.shutdownNow();
        try {
            process.getPty().close();
        } catch (IOException | RuntimeException e) {
            // Already closed by pty4j itself.
        }
    }
}
