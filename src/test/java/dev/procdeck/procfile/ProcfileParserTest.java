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
    void entryWithoutCommandIsAnError() {
        assertThatThrownBy(() -> ProcfileParser.parse("Procfile", "web:\nworker: x\n"))
                .hasMessageContaining("Procfile:1: error: process type 'web' has no command");
    }

    @Test
    void nulByteIsReportedWithItsLine() {
        assertThatThrownBy(() -> ProcfileParser.parse("Procfile", "web: a\nwor\0ker: b\n"))
                .hasMessageContaining("Procfile:2: error: contains a NUL byte");
    }
}
