package dev.procdeck.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Older lines read back from the session log stay within a byte budget per request, whatever -n asks. */
class SessionLogTailTest {
    @TempDir
    Path dir;

    @Test
    void aRequestForTenThousandHugeLinesGetsTheNewestThatFitItsBudget() throws Exception {
        StringBuilder log = new StringBuilder();
        String big = "x".repeat(60_000);
        for (int i = 0; i < 300; i++) { // 18 MB of 60 KB lines
            log.append(String.format("2026-11-26 10:%02d:%02d.000 big.1 | %d %s%n", i / 60, i % 60, i, big));
        }
        Files.writeString(dir.resolve("output-0001.log"), log);
        LogQuery query = new LogQuery(10_000, false, "big", null, null, null);
        List<LogLine> lines = SessionLogTail.read(dir, query, 10_000, Instant.parse("2026-11-27T00:00:00Z"), ZoneOffset.UTC);
        long bytes = lines.stream().mapToLong(l -> 2L * l.text().length()).sum();
        assertThat(bytes).isLessThanOrEqualTo(SessionLogTail.MAX_PICKED_BYTES);
        assertThat(lines).isNotEmpty();
        assertThat(lines.get(lines.size() - 1).text()).startsWith("299 "); // the newest kept, oldest first
        assertThat(lines.size()).isLessThan(300);
    }
}
