package dev.procdeck.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LineSplitter;
import dev.procdeck.logs.LogBatch;
import dev.procdeck.logs.LogStream;
import dev.procdeck.runtime.SessionLog;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins, byte for byte, the two renderings of a child's output: the terminal's ({@code HH:MM:SS web.1  | text},
 * with or without colour) and the session log's ({@code yyyy-MM-dd HH:mm:ss.SSS web.1 ! text}). The batches
 * come from the real {@link LineSplitter}, fed what hostile children print: colours, a cursor movement, bidi
 * controls, a carriage return, a 60 KB line and a last line without newline.
 */
class LineFormatsTest {
    private static final Instant T1 = Instant.parse("2026-01-01T10:11:12.345Z");
    private static final Instant T2 = Instant.parse("2026-01-01T10:11:13.901Z");
    private static final String LONG = "x".repeat(60 * 1024);

    private static List<LogBatch> batches() {
        List<LogBatch> out = new ArrayList<>();
        split(out, "web.1", LogStream.STDOUT, T1, 1,
                "\u001b[32mgreen\u001b[0m ok\n"
                        + "deploy to \u202edorp-ton\u202c staging\n"
                        + "progress 10%\rprogress 100%\r\n"
                        + "\u001b[2Kcleared\n");
        split(out, "web.1", LogStream.STDERR, T1, 5, "\u001b[31mboom\n" + LONG + "\n");
        out.add(LogBatch.event("web.1", T2, 7, "web.1 exited with code 1"));
        split(out, "worker.1", LogStream.STDOUT, T2, 8, "\u001b[1m" + LONG.substring(1) + "\u001b[0m\nno newline at the end");
        return out;
    }

    private static void split(List<LogBatch> out, String instance, LogStream stream, Instant time, long first,
                              String raw) {
        long[] sequence = {first};
        LineSplitter splitter = new LineSplitter(LineSplitter.DEFAULT_MAX_LINE_BYTES, (bytes, count, plain) -> {
            out.add(new LogBatch(instance, stream, time, sequence[0], count, bytes, plain));
            sequence[0] += count;
        });
        byte[] b = raw.getBytes(StandardCharsets.UTF_8);
        splitter.feed(b, 0, b.length);
        splitter.finish();
    }

    private static String console(boolean colour, boolean timestamps) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsolePrinter printer = new ConsolePrinter(out, colour, timestamps, ZoneOffset.UTC,
                Map.of("web", 0, "worker", 1), 5);
        batches().forEach(printer::onBatch);
        assertThat(printer.close(Duration.ofSeconds(30))).isTrue();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theTerminalInColourPadsNamesToTheWidestSoFarAndResetsEveryColouredLine() {
        String web = "10:11:12 \u001b[36mweb.1  |\u001b[0m ";
        String system = "10:11:13 \u001b[1;37msystem |\u001b[0m ";
        String worker = "10:11:13 \u001b[33mworker.1 |\u001b[0m ";
        String reset = "\u001b[0m";
        assertThat(console(true, true)).isEqualTo(
                web + "\u001b[32mgreen\u001b[0m ok" + reset + "\n"
                        + web + "deploy to \\u202edorp-ton\\u202c staging\n"
                        + web + "progress 10%progress 100%\n"
                        + web + "cleared\n"
                        + web + "\u001b[31mboom" + reset + "\n"
                        + web + LONG + "\n"
                        + system + "web.1 exited with code 1\n"
                        + worker + "\u001b[1m" + LONG.substring(1) + "\u001b[0m" + reset + "\n"
                        + worker + "no newline at the end\n");
    }

    @Test
    void theTerminalWithoutColourOrTimesKeepsOnlyText() {
        assertThat(console(false, false)).isEqualTo(
                "web.1  | green ok\n"
                        + "web.1  | deploy to \\u202edorp-ton\\u202c staging\n"
                        + "web.1  | progress 10%progress 100%\n"
                        + "web.1  | cleared\n"
                        + "web.1  | boom\n"
                        + "web.1  | " + LONG + "\n"
                        + "system | web.1 exited with code 1\n"
                        + "worker.1 | " + LONG.substring(1) + "\n"
                        + "worker.1 | no newline at the end\n");
    }

    @Test
    void theSessionLogHasDateMillisecondsAndMarksStderr(@TempDir Path dir) throws Exception {
        try (SessionLog log = new SessionLog(dir, 8 * 1024 * 1024, 10)) {
            batches().forEach(log::onBatch);
        }
        // The session log writes local time.
        DateTimeFormatter local = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS ").withZone(ZoneId.systemDefault());
        String t1 = local.format(T1);
        String t2 = local.format(T2);
        assertThat(SessionLog.files(dir)).hasSize(1);
        assertThat(Files.readString(SessionLog.files(dir).get(0))).isEqualTo(
                t1 + "web.1 | green ok\n"
                        + t1 + "web.1 | deploy to \\u202edorp-ton\\u202c staging\n"
                        + t1 + "web.1 | progress 10%progress 100%\n"
                        + t1 + "web.1 | cleared\n"
                        + t1 + "web.1 ! boom\n"
                        + t1 + "web.1 ! " + LONG + "\n"
                        + t2 + "system | web.1 exited with code 1\n"
                        + t2 + "worker.1 | " + LONG.substring(1) + "\n"
                        + t2 + "worker.1 | no newline at the end\n");
    }

    @Test
    void theSessionLogStartsANewFileBetweenLinesWhenOneIsFull(@TempDir Path dir) throws Exception {
        try (SessionLog log = new SessionLog(dir, 100 * 1024, 10)) {
            batches().forEach(log::onBatch);
        }
        List<String> files = new ArrayList<>();
        for (Path f : SessionLog.files(dir)) {
            files.add(Files.readString(f));
        }
        // Two 60 KB lines do not fit one 100 KB file: the second starts the next one, whole.
        assertThat(files).hasSize(2);
        assertThat(files.get(0)).contains("web.1 ! " + LONG + "\n").endsWith("system | web.1 exited with code 1\n");
        assertThat(files.get(1)).matches("\\S+ \\S+ worker\\.1 \\| x{61439}\n\\S+ \\S+ worker\\.1 \\| no newline at the end\n");
        assertThat(files.get(0).length()).isLessThanOrEqualTo(100 * 1024);
    }
}
