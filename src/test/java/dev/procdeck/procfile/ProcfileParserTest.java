package dev.procdeck.procfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcfileParserTest {

    @Test
    void parsesEntriesInFileOrderAndKeepsCommandsVerbatim() throws Exception {
        Procfile p = ProcfileParser.parse("Procfile", """
                # the app
                web: bundle exec rails server -p $PORT
                worker: sh -c 'echo "a:b" && sleep 1' # not a comment for us
                clock_2-x:  ruby clock.rb
                """);
        assertThat(p.typeNames()).containsExactly("web", "worker", "clock_2-x");
        assertThat(p.types().get(0).command()).isEqualTo("bundle exec rails server -p $PORT");
        assertThat(p.types().get(1).command()).isEqualTo("sh -c 'echo \"a:b\" && sleep 1' # not a comment for us");
        assertThat(p.types().get(2).command()).isEqualTo("ruby clock.rb");
        assertThat(p.types().get(2).index()).isEqualTo(2);
        assertThat(p.types().get(2).line()).isEqualTo(4);
        assertThat(p.warnings()).isEmpty();
    }

    @Test
    void stripsByteOrderMarkSoTheFirstProcessIsNotLost() throws Exception {
        Procfile p = ProcfileParser.parse("Procfile", "\uFEFFweb: ./web\nworker: ./worker\n");
        assertThat(p.typeNames()).containsExactly("web", "worker");
    }

    @Test
    void acceptsCrlfAndCrOnlyLineEndings() throws Exception {
        assertThat(ProcfileParser.parse("Procfile", "web: ./web\r\nworker: ./w\r\n").types().get(0).command())
                .isEqualTo("./web");
        assertThat(ProcfileParser.parse("Procfile", "web: ./web\rworker: ./w").typeNames())
                .containsExactly("web", "worker");
    }

    @Test
    void duplicateNameIsAnErrorNamingBothLines() {
        assertThatThrownBy(() -> ProcfileParser.parse("app/Procfile", "web: a\n\nworker: b\nweb: c\n"))
                .isInstanceOf(ProjectFileException.class)
                .hasMessageContaining("app/Procfile:4: error: duplicate process type 'web' (first defined on line 1)");
    }

    @Test
    void emptyOrCommentOnlyFileIsAnError() {
        assertThatThrownBy(() -> ProcfileParser.parse("Procfile", ""))
                .hasMessageContaining("no processes defined in Procfile");
        assertThatThrownBy(() -> ProcfileParser.parse("Procfile", "# nothing\n\n   \n"))
                .hasMessageContaining("no processes defined in Procfile");
    }

    @Test
    void strayLinesAreWarningsWithLineNumbers() throws Exception {
        Procfile p = ProcfileParser.parse("Procfile", "web: ./web\nthis is junk\n  indented: ./x\nwe b: y\n");
        assertThat(p.typeNames()).containsExactly("web");
        assertThat(p.warnings()).extracting(ParseProblem::line).containsExactly(2, 3, 4);
        assertThat(p.warnings().get(0).toString()).startsWith("Procfile:2: warning: ignored 'this is junk'");
        assertThat(p.warnings().get(1).message()).contains("must start the line");
    }

    @Test
    void emptyCommandIsAWarningThatSkipsTheLineNotAnErrorThatRejectsTheFile() throws Exception {
        // Review finding B: Heroku and Foreman run the other entries of a Procfile with a 'blank:' line.
        Procfile p = ProcfileParser.parse("Procfile", "blank:\nworker: x\nspaces:   \t\n");
        assertThat(p.typeNames()).containsExactly("worker");
        assertThat(p.types().get(0).index()).as("skipped lines take no port block").isZero();
        assertThat(p.warnings()).extracting(ParseProblem::line).containsExactly(1, 3);
        assertThat(p.warnings().get(0).toString())
                .startsWith("Procfile:1: warning: ignored 'blank:': process type 'blank' has no command");
        assertThatThrownBy(() -> ProcfileParser.parse("Procfile", "only:\n"))
                .hasMessageContaining("no processes defined").hasMessageContaining("Procfile:1: warning: ignored 'only:'");
    }

    @Test
    void terminalEscapesInEchoedLinesAreShownNotSent() throws Exception {
        // Review finding D: a line quoted in a warning must not set the clipboard (OSC 52) or clear the screen.
        Procfile p = ProcfileParser.parse("Procfile",
                "web: ok\nx \u001b]52;c;ZXZpbA==\u0007 \u001b[2J\u009b1m\u007f\tend\u202e\n");
        String shown = p.warnings().get(0).toString();
        assertThat(shown).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u009b")
                .doesNotContain("\u007f").doesNotContain("\u202e")
                .contains("x \\e]52;c;ZXZpbA==\\x07 \\e[2J\\x9b1m\\x7f\tend\\u202e'");
        ParseProblem forged = ParseProblem.error("Pro\u001bfile", 1, "a\nProcfile:9: error: forged\rline");
        assertThat(forged.toString()).isEqualTo("Pro\\efile:1: error: a\\nProcfile:9: error: forged\\rline");
    }

    @Test
    void nulByteIsReportedWithItsLine() {
        assertThatThrownBy(() -> ProcfileParser.parse("Procfile", "web: a\nwor\0ker: b\n"))
                .hasMessageContaining("Procfile:2: error: contains a NUL byte");
    }
}
