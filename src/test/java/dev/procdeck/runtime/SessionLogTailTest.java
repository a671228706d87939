package dev.procdeck.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `logs` lines older than the server's memory come from the session log, newest first, across its files. */
class SessionLogTailTest {
    private static final ZoneId UTC = ZoneId.of("UTC");

    @TempDir
    Path session;

    private static String line(int second, String source, String text) {
        return String.format("2026-11-26 10:00:%02d.000 %s | %s%n", second, source, text);
    }

    private List<String> texts(Map<String, Object> request, int max, Instant before) {
        return SessionLogTail.read(session, ControlServer.LogQuery.of(request), max, before, UTC).stream()
                .map(LogLine::text).toList();
    }

    @Test
    void readsTheNewestMatchingLinesAcrossFilesOldestFirst() throws Exception {
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            first.append(line(i, i % 2 == 0 ? "web.1" : "worker.1", "line " + i + " " + "x".repeat(5000)));
        }
        Files.writeString(session.resolve("output-0001.log"), first);
        Files.writeString(session.resolve("output-0002.log"), line(40, "web.1", "forty") + line(41, "web.1", "forty-one")
                + line(50, "web.1", "in memory already"));
        Instant before = Instant.parse("2026-11-26T10:00:50Z");

        assertThat(texts(Map.of("type", "web"), 3, before)).hasSize(3).startsWith("line 28 " + "x".repeat(5000))
                .endsWith("forty", "forty-one");
        assertThat(texts(Map.of("grep", "^line 2[0-9] "), 100, before)).hasSize(10);
        assertThat(texts(Map.of("since", Instant.parse("2026-11-26T10:00:28Z").toEpochMilli()), 100, before))
                .extracting(t -> t.substring(0, Math.min(7, t.length()))).containsExactly("line 28", "line 29", "forty",
                        "forty-o");
        assertThat(texts(Map.of(), 0, before)).isEmpty();
        assertThat(ControlServer.LogQuery.of(Map.of("grep", "a+")).grep().pattern()).isEqualTo(Pattern.compile("a+").pattern());
    }
}
