package dev.procdeck.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogStream;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.procfile.Project;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.SupervisorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code procdeck logs --grep} as the control server runs it: no pattern can hold a server thread. */
class ControlServerGrepTest {
    @TempDir
    Path project;
    @TempDir
    Path stateHome;

    private LogBus bus;
    private Supervisor supervisor;
    private ControlServer server;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(project.resolve("Procfile"), "web: sleep 1000\n");
        Project p = new Project(project, project.resolve("Procfile"), ProcfileParser.parse("Procfile", "web: sleep 1000\n"),
                Map.of(), List.of());
        bus = new LogBus(Clock.systemDefaultZone());
        supervisor = new Supervisor(p, SupervisorSettings.defaults(5000), new PosixProcessLauncher(), bus,
                Clock.systemDefaultZone(), Map.of());
        StateFolder state = StateFolder.of(project, Map.of("XDG_STATE_HOME", stateHome.toString()));
        state.prepare();
        server = ControlServer.start(state, null, supervisor, m -> { });
    }

    @AfterEach
    void tearDown() {
        server.close();
        supervisor.close();
    }

    private List<Object> grep(String pattern) throws Exception {
        try (ControlClient c = ControlClient.connect(server.socket())) {
            c.call(new ControlMessages.Logs(1000L, null, null, null, pattern, null));
            List<Object> texts = new ArrayList<>();
            Map<String, Object> m;
            while ((m = c.next(Duration.ofSeconds(20))) != null && LogWire.entries(m) != null) {
                LogWire.entries(m).forEach(e -> texts.add(((Map<?, ?>) e).get("x")));
            }
            return texts;
        }
    }

    @Test
    void aPathologicalGrepOverLongLinesIsAnsweredInTime() throws Exception {
        // 30 lines of 5,000 a's without the final a that (.*a){12}$ wants: a backtracking engine tries C(5000, 12)
        // ways to split each one.
        bus.publish("web.1", LogStream.STDOUT, Collections.nCopies(30, "a".repeat(5_000) + "b"));
        bus.publish("web.1", LogStream.STDOUT, List.of("x" + "a".repeat(20)));
        List<Object> found = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> grep("(.*a){12}$"));
        assertThat(found).containsExactly("x" + "a".repeat(20));
    }

    @Test
    void aPatternTheEngineLeavesOutIsRefusedWithTheReason() {
        assertThatThrownBy(() -> grep("up(?!down)")).hasMessageContaining("invalid --grep pattern")
                .hasMessageContaining("lookahead, lookbehind and backreferences are not supported");
    }
}
