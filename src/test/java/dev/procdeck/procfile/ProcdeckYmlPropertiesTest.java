package dev.procdeck.procfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random and hostile procdeck.yml text: it parses or is explained with a position inside the file, never crashes. */
class ProcdeckYmlPropertiesTest {
    private static final List<ProcessType> TYPES = List.of(new ProcessType("web", "./web", 0, 1),
            new ProcessType("worker", "./worker", 1, 2));

    @Provide
    Arbitrary<String> ymlLike() {
        Arbitrary<String> token = Arbitraries.oneOf(
                Arbitraries.of("formation:", "types:", "web:", "worker:", "restart:", "always", "never", "ready:",
                        "http: /x", "port: true", "log: \"[a-\"", "depends_on:", "[web]", "[worker, web]", "env:",
                        "A: 1", "tty: yes", "schedule:", "\"every 2s\"", "\"0 0 31 2 *\"", "overlap: queue", "- x",
                        "&a", "*a", "<<: *a", "!tag", "!!python/object", "{", "}", "[", "]", ",", "---", "#", "\"",
                        "'", "\t", "\u0001", "\u0000", "\uFEFF", "2", "-1", "101", "10s", "1h5m"),
                Arbitraries.strings().all().ofMaxLength(8));
        Arbitrary<String> line = Arbitraries.integers().between(0, 6).flatMap(indent -> token.list().ofMaxSize(4)
                .map(tokens -> " ".repeat(indent) + String.join(" ", tokens)));
        return line.list().ofMaxSize(15).map(lines -> String.join("\n", lines));
    }

    @Property(tries = 1000)
    void parsesOrExplainsWithAPositionInsideTheFile(@ForAll("ymlLike") String text) {
        long lines = text.lines().count() + 1;
        try {
            ProjectConfig config = ProcdeckYmlParser.parse("procdeck.yml", text, TYPES);
            assertThat(config.warnings()).noneMatch(ParseProblem::isError);
            assertThat(config.types().keySet()).isSubsetOf("web", "worker");
            config.formation().values().forEach(n -> assertThat(n).isBetween(0, 100));
        } catch (ProjectFileException e) {
            assertThat(e.problems()).anyMatch(ParseProblem::isError);
            for (ParseProblem p : e.problems()) {
                assertThat(p.file()).isEqualTo("procdeck.yml");
                assertThat(p.line()).isBetween(0, (int) lines);
                assertThat(p.message()).isNotBlank();
            }
        }
    }
}
