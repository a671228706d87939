package dev.procdeck.procfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** procdeck.yml's dyno settings: {@code memory:} (R14/R15), {@code liveness:}, and the release phase's type. */
class DynoSettingsParserTest {
    private static final List<ProcessType> TYPES = List.of(
            new ProcessType("web", "./web", 0, 1),
            new ProcessType("worker", "./worker", 1, 2),
            new ProcessType("release", "./migrate", 2, 3));

    private static ProjectConfig parse(String yml) throws ProjectFileException {
        return ProcdeckYmlParser.parse("procdeck.yml", yml, TYPES);
    }

    private static List<String> problems(String yml) {
        try {
            parse(yml);
        } catch (ProjectFileException e) {
            return e.problems().stream().map(ParseProblem::toString).toList();
        }
        return fail("accepted:\n" + yml);
    }

    @Test
    void memoryIsASizeInBinaryUnits() throws Exception {
        ProjectConfig c = parse("""
                types:
                  web: {memory: 512M}
                  worker: {memory: 1.5Gi}
                """);
        assertThat(c.type("web").memory()).isEqualTo(512L << 20);
        assertThat(c.type("worker").memory()).isEqualTo(3L << 29);
        assertThat(parse("types:\n  web: {memory: 2GB}\n").type("web").memory()).isEqualTo(2L << 30);
        assertThat(parse("types:\n  web: {memory: 64mib}\n").type("web").memory()).isEqualTo(64L << 20);
        assertThat(parse("types:\n  web: {}\n").type("web").memory()).isNull();
    }

    @Test
    void aBadMemoryValueNamesLineAndTheFix() {
        String fix = "memory must be a size with a unit, such as 512M, 1G or 1.5G (binary units, as Heroku's dyno"
                + " sizes), from 4M to 1T";
        assertThat(problems("types:\n  web:\n    memory: 512\n"))
                .containsExactly("procdeck.yml:3:13: error: " + fix + ", not '512'");
        assertThat(problems("types:\n  web:\n    memory: lots\n"))
                .containsExactly("procdeck.yml:3:13: error: " + fix + ", not 'lots'");
        assertThat(problems("types:\n  web:\n    memory: 1K\n"))
                .containsExactly("procdeck.yml:3:13: error: " + fix + ", not '1K'");
        assertThat(problems("types:\n  web:\n    memory: [512M]\n"))
                .containsExactly("procdeck.yml:3:13: error: memory must be a single value, not a list");
    }

    @Test
    void livenessTakesOneCheckWithItsTimings() throws Exception {
        ProjectConfig c = parse("""
                types:
                  web:
                    liveness: {http: /health, period: 10s, failures: 3, timeout: 2s}
                  worker:
                    liveness:
                      exec: "test -e /tmp/alive"
                      initial_delay: 30s
                """);
        assertThat(c.type("web").liveness()).isEqualTo(new Liveness(Liveness.Kind.HTTP, "/health",
                Duration.ofSeconds(10), 3, Duration.ofSeconds(2), null));
        assertThat(c.type("worker").liveness()).isEqualTo(new Liveness(Liveness.Kind.EXEC, "test -e /tmp/alive",
                Liveness.DEFAULT_PERIOD, Liveness.DEFAULT_FAILURES, Liveness.DEFAULT_TIMEOUT, Duration.ofSeconds(30)));
        assertThat(parse("types:\n  web: {liveness: {port: true}}\n").type("web").liveness().kind())
                .isEqualTo(Liveness.Kind.PORT);
    }

    @Test
    void aBadLivenessNamesLineAndTheFix() {
        assertThat(problems("types:\n  web:\n    liveness: {period: 5s}\n")).containsExactly(
                "procdeck.yml:3:15: error: liveness needs one of http: /path, port: true or exec: \"command\"");
        assertThat(problems("types:\n  web:\n    liveness: {http: /h, port: true}\n")).containsExactly(
                "procdeck.yml:3:15: error: liveness has http and port; keep exactly one of http, port or exec");
        assertThat(problems("types:\n  web:\n    liveness: {http: health}\n")).containsExactly(
                "procdeck.yml:3:22: error: liveness.http must be a URL path starting with '/', such as /health,"
                        + " not 'health'");
        assertThat(problems("types:\n  web:\n    liveness:\n      port: true\n      failures: 0\n")).containsExactly(
                "procdeck.yml:5:17: error: liveness.failures must be a whole number from 1 to 100, not '0'");
        assertThat(problems("types:\n  web:\n    liveness: {exec: \"true\", period: soon}\n")).singleElement()
                .asString().startsWith("procdeck.yml:3:38: error: liveness.period must be a duration such as 500ms");
        assertThat(problems("types:\n  web:\n    liveness: /health\n")).singleElement().asString()
                .startsWith("procdeck.yml:3:15: error: liveness must be a mapping with one of http:, port: or exec:");
    }

    @Test
    void releaseIsNeverPartOfTheFormation() {
        assertThat(problems("formation: {web: 1, release: 1}\n")).containsExactly(
                "procdeck.yml:1:21: error: 'release' is the release phase and not part of the formation: it runs"
                        + " once before the formation starts; remove it from formation");
        assertThat(problems("types:\n  web: {depends_on: [release]}\n")).containsExactly(
                "procdeck.yml:2:22: error: depends_on cannot involve 'release', the release phase: it runs and ends"
                        + " before any type of the formation starts; remove it from depends_on");
    }

    @Test
    void theProcfileKeepsReleaseApartFromTheFormationsTypes() {
        Procfile p = new Procfile("Procfile", TYPES, List.of());
        assertThat(p.typeNames()).containsExactly("web", "worker");
        assertThat(p.type("release")).isEmpty();
        assertThat(p.releasePhase()).contains(TYPES.get(2));
        assertThat(p.runnable("release")).contains(TYPES.get(2));
        assertThat(new Procfile("Procfile", TYPES.subList(0, 2), List.of()).releasePhase()).isEmpty();
    }
}
