package dev.procdeck.cli;

import dev.procdeck.logs.AnsiText;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogListener;
import dev.procdeck.logs.LogStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the multiplexed log the way Foreman users read it: {@code HH:MM:SS web.1  | text}, names padded to
 * the widest, one colour per process type. Each batch becomes one write, so lines of different children
 * never share an output line. Called under the {@code LogBus} lock, hence no locking here.
 */
public final class ConsolePrinter implements LogListener {
    private static final byte[] RESET = "\u001b[0m".getBytes(StandardCharsets.US_ASCII);
    private static final String[] TYPE_COLOURS = {"36", "33", "32", "35", "34", "31", "96", "93", "92", "95", "94", "91"};
    private static final String SYSTEM_NAME = "system";

    private final OutputStream out;
    private final boolean colour;
    private final boolean timestamps;
    private final ZoneId zone;
    private final Map<String, Integer> typeIndex;
    private final Map<String, byte[]> prefixes = new HashMap<>();
    private int nameWidth;
    private long cachedSecond = Long.MIN_VALUE;
    private byte[] cachedTime;
    private byte[] buffer = new byte[64 * 1024];
    private Runnable onBrokenOutput = () -> { };
    private boolean outputBroken;
    private int length;

    /**
     * @param typeIndex position of each type, for its colour
     * @param nameWidth width of the widest instance name expected
     */
    public ConsolePrinter(OutputStream out, boolean colour, boolean timestamps, ZoneId zone,
                          Map<String, Integer> typeIndex, int nameWidth) {
        this.out = out;
        this.colour = colour;
        this.timestamps = timestamps;
        this.zone = zone;
        this.typeIndex = Map.copyOf(typeIndex);
        this.nameWidth = Math.max(nameWidth, SYSTEM_NAME.length());
    }

    /** Called once when the output can no longer be written (the reader of a pipe has gone). */
    public void setOnBrokenOutput(Runnable action) {
        this.onBrokenOutput = action;
    }

    @Override
    public void onLines(List<LogLine> lines) {
        if (outputBroken) {
            return;
        }
        length = 0;
        for (LogLine line : lines) {
            appendLine(line);
        }
        try {
            out.write(buffer, 0, length);
            out.flush();
        } catch (IOException e) {
            // stdout closed (a pipe to `head`, say): like a SIGPIPE, it ends the run, gracefully.
            if (!outputBroken) {
                outputBroken = true;
                onBrokenOutput.run();
            }
        }
        if (buffer.length > 1024 * 1024) {
            buffer = new byte[64 * 1024];
        }
    }

    private void appendLine(LogLine line) {
        if (timestamps) {
            long second = line.time().getEpochSecond();
            if (second != cachedSecond) {
                ZonedDateTime t = line.time().atZone(zone);
                cachedTime = String.format("%02d:%02d:%02d ", t.getHour(), t.getMinute(), t.getSecond())
                        .getBytes(StandardCharsets.US_ASCII);
                cachedSecond = second;
            }
            append(cachedTime);
        }
        boolean system = line.stream() == LogStream.SYSTEM;
        append(prefix(system ? SYSTEM_NAME : line.instance(), system ? null : line.type()));
        String text = colour ? line.text() : AnsiText.stripColours(line);
        append(text.getBytes(StandardCharsets.UTF_8));
        if (colour && text.indexOf('\u001b') >= 0) {
            append(RESET);
        }
        append((byte) '\n');
    }

    private byte[] prefix(String name, String type) {
        if (name.length() > nameWidth) {
            nameWidth = name.length();
            prefixes.clear();
        }
        return prefixes.computeIfAbsent(name, n -> {
            StringBuilder sb = new StringBuilder();
            String padded = n + " ".repeat(nameWidth - n.length());
            if (colour) {
                String code = type == null ? "1;37" : TYPE_COLOURS[typeIndex.getOrDefault(type, 0) % TYPE_COLOURS.length];
                sb.append("\u001b[").append(code).append('m').append(padded).append(" |\u001b[0m ");
            } else {
                sb.append(padded).append(" | ");
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    private void append(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void append(byte b) {
        ensure(1);
        buffer[length++] = b;
    }

    private void ensure(int extra) {
        if (length + extra > buffer.length) {
            byte[] bigger = new byte[Math.max(buffer.length * 2, length + extra)];
            System.arraycopy(buffer, 0, bigger, 0, length);
            buffer = bigger;
        }
    }
}
