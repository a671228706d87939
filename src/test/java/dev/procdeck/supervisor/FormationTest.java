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
                .hasMessage("unknown process type 'wbe' in formation; Procfile defines web, worker, clock");
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
}
