package dev.procdeck.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The control protocol's JSON: exactly JSON, strictly; and the session log lines `logs` reads back. */
class ControlJsonTest {
    @Test
    void roundTripsWhatTheProtocolUses() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1L);
        m.put("s", "a \"quote\", a \\ and \n\t\u0001 \u2028 é 😀");
        m.put("list", List.of(1L, -2L, 2.5, true, false));
        m.put("none", null);
        m.put("nested", Map.of("k", List.of()));
        String line = ControlJson.write(m);
        assertThat(line).doesNotContain("\n").doesNotContain("\u2028");
        assertThat(ControlJson.parse(line)).isEqualTo(m);
        assertThat(ControlJson.parse(" {\"a\" : [ ] , \"b\":{}} ")).isEqualTo(Map.of("a", List.of(), "b", Map.of()));
        assertThat(ControlJson.parse("\"\\u00e9\\/\"")).isEqualTo("é/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\":1,}", "[1,]", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "{a:1}", "'x'", "01",
        "1.", ".5", "NaN", "\"tab\there\"", "\"\\x\"", "\"\\u12\"", "tru", "{\"a\" 1}", "1e999"})
    void refusesWhatIsNotStrictJson(String text) {
        assertThatThrownBy(() -> ControlJson.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid JSON at character ");
    }

    @Test
    void refusesDeepNestingInsteadOfOverflowingTheStack() {
        String deep = "[".repeat(ControlJson.MAX_DEPTH + 2) + "]".repeat(ControlJson.MAX_DEPTH + 2);
        assertThatThrownBy(() -> ControlJson.parse(deep)).hasMessageContaining("nested deeper than " + ControlJson.MAX_DEPTH);
        assertThatThrownBy(() -> ControlJson.parseObject("[]")).hasMessage("expected a JSON object");
    }

    @Test
    void readsBackTheSessionLogsLines() {
        ZoneId utc = ZoneId.of("UTC");
        LogLine out = SessionLogTail.parse("2026-11-26 10:00:01.250 web.1 | hello | world", utc);
        assertThat(out).isEqualTo(new LogLine(0, Instant.parse("2026-11-26T10:00:01.250Z"), "web.1", LogStream.STDOUT,
                "hello | world", true));
        assertThat(SessionLogTail.parse("2026-11-26 10:00:01.250 worker.2 ! oops", utc).stream())
                .isEqualTo(LogStream.STDERR);
        LogLine event = SessionLogTail.parse("2026-11-26 10:00:01.250 system | web.1 crashed with exit code 1", utc);
        assertThat(event.instance()).isEqualTo("web.1");
        assertThat(event.stream()).isEqualTo(LogStream.SYSTEM);
        assertThat(SessionLogTail.parse("2026-11-26 10:00:01.250 system | SIGTERM received", utc).instance())
                .isEqualTo(LogLine.PROCDECK);
        assertThat(SessionLogTail.parse("not a log line at all, but long enough", utc)).isNull();
    }
}
