package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import dev.procdeck.runtime.SessionLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionLogReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsBackWhatTheSessionLogWroteAcrossRotatedFiles() throws Exception {
        ZoneId zone = ZoneId.systemDefault();
        Instant t = Instant.parse("2026-01-02T03:04:05.678Z");
        LogBus bus = new LogBus(Clock.fixed(t, ZoneOffset.UTC));
        try (SessionLog log = new SessionLog(dir, 200, 100)) {
            bus.addListener(log);
            bus.publish("web.1", LogStream.STDOUT, List.of("\u001b[31mred\u001b[0m", "plain | with bar"));
            bus.publish("worker.2", LogStream.STDERR, List.of("oops"));
            bus.event("web.1", "web.1 started (pid 1, port 5000)");
            bus.event(LogLine.PROCDECK, "reloaded Procfile: +clock");
            for (int i = 0; i < 20; i++) {
                bus.publish("web.1", LogStream.STDOUT, List.of("line " + i));
            }
        }
        assertThat(SessionLog.files(dir).size()).isGreaterThan(1);
        List<LogLine> lines = new ArrayList<>();
        List<Double> progress = new ArrayList<>();
        long n = SessionLogReader.read(dir, zone, 0, lines::add, progress::add, () -> false);
        assertThat(n).isEqualTo(25);
        assertThat(lines.get(0)).satisfies(l -> {
            assertThat(l.instance()).isEqualTo("web.1");
            assertThat(l.text()).isEqualTo("red");
            assertThat(l.time()).isEqualTo(t);
        });
        assertThat(lines.get(1).text()).isEqualTo("plain | with bar");
        assertThat(lines.get(2)).satisfies(l -> {
            assertThat(l.instance()).isEqualTo("worker.2");
            assertThat(l.stream()).isEqualTo(LogStream.STDERR);
        });
        assertThat(lines.get(3)).satisfies(l -> {
            assertThat(l.instance()).isEqualTo("web.1");
            assertThat(l.stream()).isEqualTo(LogStream.SYSTEM);
        });
        assertThat(lines.get(4).instance()).isEqualTo(LogLine.PROCDECK);
        assertThat(lines.get(24).text()).isEqualTo("line 19");
        assertThat(progress).last().isEqualTo(1.0);
        assertThatThrownBy(() -> SessionLogReader.read(dir, zone, 0, l -> { }, p -> { }, () -> true))
                .isInstanceOf(CancellationException.class);
    }

    @Test
    void aLineThatDoesNotParseIsKeptWhole() {
        assertThat(SessionLogReader.parse(1, "garbage \u0001", ZoneOffset.UTC).text()).isEqualTo("garbage \u0001");
    }
}
