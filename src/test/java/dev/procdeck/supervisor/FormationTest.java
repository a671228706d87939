package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procdeck.procfile.Procfile;
import dev.procdeck.procfile.ProcfileParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormationTest {
    private static Procfile procfile() throws Exception {
        return ProcfileParser.parse("Procfile", "web: w\nworker: k\nclock: c\n");
    }

    @Test
    void defaultIsOneOfEach() throws Exception {
        assertThat(Formation.parse(null).resolve(procfile())).containsExactly(
                Map.entry("web", 1), Map.entry("worker", 1), Map.entry("clock", 1));
    }

    @Test
    void allSetsTheRestAndNamedTypesOverride() throws Exception {
        assertThat(Formation.parse("all=2,web=3,clock=0").resolve(procfile())).containsExactly(
                Map.entry("web", 3), Map.entry("worker", 2), Map.entry("clock", 0));
        assertThat(Formation.parse("web=2 worker=4").resolve(procfile())).containsExactly(
                Map.entry("web", 2), Map.entry("worker", 4), Map.entry("clock", 0));
    }

    @Test
    void onlyRunsTheNamedTypesOnceEach() throws Exception {
        assertThat(Formation.only(List.of("clock")).resolve(procfile())).containsExactly(
                Map.entry("web", 0), Map.entry("worker", 0), Map.entry("clock", 1));
    }

    @Test
    void badFormationsAreExplained() {
        assertThatThrownBy(() -> Formation.parse("web=-1")).hasMessageContaining("negative count in 'web=-1'");
        assertThatThrownBy(() -> Formation.parse("web=two")).hasMessageContaining("invalid count in 'web=two'");
        assertThatThrownBy(() -> Formation.parse("web")).hasMessageContaining("write type=count");
        assertThatThrownBy(() -> Formation.parse("web=1000")).hasMessageContaining("above the maximum");
        assertThatThrownBy(() -> Formation.parse("wbe=1").resolve(procfile()))
                .hasMessage("unknown process type 'wbe' in formation; valid types (from Procfile): web, worker, clock");
    }

    @Test
    void portsFollowForemanWhateverSubsetRuns() {
        assertThat(Ports.port(5000, 0, 1)).isEqualTo(5000);
        assertThat(Ports.port(5000, 0, 2)).isEqualTo(5001);
        assertThat(Ports.port(5000, 2, 1)).isEqualTo(5200);
        assertThat(Ports.port(3000, 1, 3)).isEqualTo(3102);
    }

    @Test
    void basePortPrecedenceIsFlagThenDotEnvThenEnvironmentThen5000() {
        assertThat(Ports.base(4000, Map.of("PORT", "6000"), Map.of("PORT", "7000"))).isEqualTo(4000);
        assertThat(Ports.base(null, Map.of("PORT", "6000"), Map.of("PORT", "7000"))).isEqualTo(6000);
        assertThat(Ports.base(null, Map.of(), Map.of("PORT", "7000"))).isEqualTo(7000);
        assertThat(Ports.base(null, Map.of(), Map.of())).isEqualTo(5000);
        assertThatThrownBy(() -> Ports.base(null, Map.of("PORT", "http"), Map.of()))
                .hasMessage("PORT in .env is 'http', not a number");
    }

    @Test
    void environmentHasPortPsDynoAndUnbufferedPython() {
        Map<String, String> env = InstanceEnvironment.build(Map.of("PATH", "/bin", "A", "parent"),
                Map.of("A", "dotenv"), "web.2", 5001);
        assertThat(env).containsEntry("PATH", "/bin").containsEntry("A", "dotenv").containsEntry("PORT", "5001")
                .containsEntry("PS", "web.2").containsEntry("DYNO", "web.2").containsEntry("PYTHONUNBUFFERED", "1");
        assertThat(InstanceEnvironment.build(Map.of("PYTHONUNBUFFERED", "0"), Map.of(), "w.1", 1))
                .containsEntry("PYTHONUNBUFFERED", "0");
    }

    @Test
    void aTypeNamedTwiceInTheFormationIsAnError() {
        assertThatThrownBy(() -> Formation.parse("web=1,web=2"))
                .hasMessage("'web' is named more than once in formation 'web=1,web=2'; give each process type one count");
        assertThatThrownBy(() -> Formation.parse("all=1 worker=2 all=0")).hasMessageContaining("'all' is named more than once");
        assertThatThrownBy(() -> Formation.only(java.util.List.of("web", "web")))
                .hasMessage("'web' is named more than once; name each process type once (for more instances use -m web=N)");
    }

    @Test
    void aFormationWhosePortsWouldPass65535IsAnError() throws Exception {
        Procfile p = procfile(); // web, worker, clock: clock's block starts at base + 200
        Ports.requireInRange(65335, p, Map.of("web", 1, "worker", 1, "clock", 1)); // clock.1 = 65535 exactly
        assertThatThrownBy(() -> Ports.requireInRange(65336, p, Formation.allOne().resolve(p)))
                .hasMessageStartingWith("clock.1 would get port 65536");
        assertThatThrownBy(() -> Ports.requireInRange(65500, p, Map.of("web", 40, "worker", 0, "clock", 0)))
                .hasMessageStartingWith("web.40 would get port 65539");
        // A type that does not run keeps its block but needs no port.
        Ports.requireInRange(65400, p, Map.of("web", 1, "worker", 0, "clock", 0));
    }

    @Test
    void portOutside1To65535IsRefused() {
        assertThatThrownBy(() -> Ports.base(0, Map.of(), Map.of())).hasMessage("-p/--port is 0; a port is between 1 and 65535");
        assertThatThrownBy(() -> Ports.base(65536, Map.of(), Map.of())).hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> Ports.base(-5, Map.of(), Map.of())).hasMessageContaining("between 1 and 65535");
    }
}
