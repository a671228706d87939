package dev.procdeck.procfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

/** Hostile and random input for both parsers: they either parse or explain, with a file and a line. */
class ParserPropertiesTest {

    @Provide
    Arbitrary<String> procfileLike() {
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcXYZ09_-: #\t\"'$\u0000\uFEFF\u00e9\r").ofMaxLength(40),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).map(n -> n + ": cmd " + n),
                Arbitraries.strings().all().ofMaxLength(30));
        return line.list().ofMaxSize(30).map(l -> String.join(Arbitraries.of("\n", "\r\n", "\r").sample(), l));
    }

    @Property(tries = 500)
    void procfileParsesOrExplainsWithLineNumbers(@ForAll("procfileLike") String text) {
        int lines = text.split("\r\n|\n|\r", -1).length;
        try {
            Procfile p = ProcfileParser.parse("Procfile", text);
            Set<String> names = new HashSet<>();
            for (ProcessType t : p.types()) {
                assertThat(t.name()).matches("[A-Za-z0-9_-]+");
                assertThat(names.add(t.name())).isTrue();
                assertThat(t.command()).isNotBlank();
            }
            p.warnings().forEach(w -> assertThat(w.line()).isBetween(1, lines));
        } catch (ProjectFileException e) {
            assertThat(e.problems()).isNotEmpty();
            e.problems().forEach(pr -> {
                assertThat(pr.file()).isEqualTo("Procfile");
                assertThat(pr.line()).isBetween(0, lines);
                assertThat(pr.toString()).startsWith("Procfile");
            });
        }
    }

    @Provide
    Arbitrary<String> envLike() {
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.strings().withChars("AZ_az09=\"'$#{}:- \\\tn\u0000\r").ofMaxLength(30),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6).map(k -> k + "=value"),
                Arbitraries.strings().all().ofMaxLength(20));
        return line.list().ofMaxSize(20).map(l -> String.join("\n", l));
    }

    @Property(tries = 500)
    void dotEnvParsesOrExplainsWithLineNumbers(@ForAll("envLike") String text) {
        int lines = text.split("\r\n|\n|\r", -1).length;
        try {
            Map<String, String> env = DotEnvParser.parse(".env", text, name -> null);
            env.keySet().forEach(k -> assertThat(k).matches("[A-Za-z_.][A-Za-z0-9_.]*"));
        } catch (ProjectFileException e) {
            e.problems().forEach(pr -> {
                assertThat(pr.file()).isEqualTo(".env");
                assertThat(pr.line()).isBetween(1, lines);
            });
        }
    }

    @Property(tries = 200)
    void randomBytesAreReadOrRejectedWithALine(@ForAll byte[] bytes) throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("procdeck-fuzz");
        java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("Procfile"), bytes);
        try {
            String text = ProjectLoader.readText(file);
            assertThat(text.getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes);
        } catch (ProjectFileException e) {
            assertThat(e.getMessage()).contains("Procfile:").contains("not valid UTF-8");
        } finally {
            java.nio.file.Files.delete(file);
            java.nio.file.Files.delete(dir);
        }
    }

    @Example
    void tenThousandEntriesAndCrOnlyFilesParse() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            sb.append("type").append(i).append(": ./run ").append(i).append('\r');
        }
        Procfile p = ProcfileParser.parse("Procfile", sb.toString());
        assertThat(p.types()).hasSize(10_000);
        assertThat(p.types().get(9_999).line()).isEqualTo(10_000);
    }

    @Example
    void aHugeLineIsAWarningNotACrash() throws Exception {
        String huge = "x".repeat(2_000_000);
        Procfile p = ProcfileParser.parse("Procfile", "web: ok\n" + huge + "\n");
        assertThat(p.warnings()).singleElement().satisfies(w -> {
            assertThat(w.line()).isEqualTo(2);
            assertThat(w.message().length()).isLessThan(200);
        });
        assertThat(ProcfileParser.parse("Procfile", "web: " + huge).types().get(0).command()).hasSize(2_000_000);
    }
}
