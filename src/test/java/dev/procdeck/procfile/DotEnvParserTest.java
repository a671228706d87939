package dev.procdeck.procfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DotEnvParserTest {

    private static Map<String, String> parse(String text) throws ProjectFileException {
        return DotEnvParser.parse(".env", text, Map.of("HOME", "/home/dev", "EMPTY", "")::get);
    }

    @Test
    void readsPlainExportedAndCommentedLines() throws Exception {
        Map<String, String> env = parse("""
                # comment
                A=1
                export B=two words
                C = spaced # inline comment
                D=no#comment
                E=
                """);
        assertThat(env).containsEntry("A", "1").containsEntry("B", "two words").containsEntry("C", "spaced")
                .containsEntry("D", "no#comment").containsEntry("E", "");
        assertThat(env.keySet()).containsExactly("A", "B", "C", "D", "E");
    }

    @Test
    void singleQuotesAreLiteral() throws Exception {
        assertThat(parse("A='$HOME \\n # x'\n")).containsEntry("A", "$HOME \\n # x");
    }

    @Test
    void doubleQuotesHaveEscapesExpansionAndMultipleLines() throws Exception {
        Map<String, String> env = parse("""
                A="line1\\nline2\\t\\"q\\" \\\\ \\$HOME"
                KEY="-----BEGIN
                abc
                -----END" # trailing comment
                B=after
                """);
        assertThat(env.get("A")).isEqualTo("line1\nline2\t\"q\" \\ $HOME");
        assertThat(env.get("KEY")).isEqualTo("-----BEGIN\nabc\n-----END");
        assertThat(env.get("B")).isEqualTo("after");
    }

    @Test
    void expandsEarlierKeysThenParentEnvironment() throws Exception {
        Map<String, String> env = parse("""
                BASE=/srv
                PATH_A=$BASE/a
                PATH_B="${BASE}/b"
                H=$HOME/x
                U=${UNSET:-fallback}
                E=${EMPTY:-was-empty}
                MISSING=[$NOPE]
                PRICE=5$
                """);
        assertThat(env).containsEntry("PATH_A", "/srv/a").containsEntry("PATH_B", "/srv/b")
                .containsEntry("H", "/home/dev/x").containsEntry("U", "fallback").containsEntry("E", "was-empty")
                .containsEntry("MISSING", "[]").containsEntry("PRICE", "5$");
    }

    @Test
    void malformedLinesAreErrorsWithLineNumbersAndNothingIsDropped() {
        assertThatThrownBy(() -> parse("A=1\nJUSTAWORD\nB=2\n1X=3\n"))
                .isInstanceOf(ProjectFileException.class)
                .satisfies(e -> {
                    var problems = ((ProjectFileException) e).problems();
                    assertThat(problems).extracting(ParseProblem::line).containsExactly(2, 4);
                    assertThat(problems.get(0).toString()).isEqualTo(
                            ".env:2: error: 'JUSTAWORD' has no '='; write JUSTAWORD=value (or JUSTAWORD= for empty)");
                    assertThat(problems.get(1).message()).contains("must not start with a digit");
                });
    }

    @Test
    void unterminatedQuoteReportsTheLineWhereItOpened() {
        assertThatThrownBy(() -> parse("A=1\nB=\"open\nC=3\n"))
                .hasMessageContaining(".env:2: error: unterminated double-quoted value");
        assertThatThrownBy(() -> parse("A='x\n"))
                .hasMessageContaining(".env:1: error: unterminated single-quoted value");
    }

    @Test
    void aValueWithoutANameIsAnError() {
        // Found by ParserPropertiesTest: this used to throw StringIndexOutOfBoundsException.
        assertThatThrownBy(() -> parse("=value\n")).hasMessageContaining(".env:1: error: missing variable name before '='");
    }

    @Test
    void textAfterClosingQuoteIsAnError() {
        assertThatThrownBy(() -> parse("A=\"x\"y\n")).hasMessageContaining(".env:1: error: unexpected text after");
    }

    @Test
    void crlfAndBomAreAccepted() throws Exception {
        assertThat(parse("\uFEFFA=1\r\nB=\"2\"\r\n")).containsEntry("A", "1").containsEntry("B", "2");
    }

    @Test
    void expansionPastTheValueBoundIsAnErrorWithFileAndLine() {
        // Review finding C: 654 bytes of doubling definitions used to build 4.7 GB.
        StringBuilder bomb = new StringBuilder("A=xxxxxxxxxxxxxxxx\n");
        for (char c = 'B'; c <= 'Z'; c++) {
            bomb.append(c).append("=${").append((char) (c - 1)).append("}${").append((char) (c - 1)).append("}\n");
        }
        // A is 16 characters: L (the 12th letter) is 16 * 2^11 = 32 Ki, M would be 64 Ki + 0 = exactly the bound
        // and N the first past it, on line 14.
        assertThatThrownBy(() -> parse(bomb.toString()))
                .isInstanceOf(ProjectFileException.class)
                .satisfies(e -> assertThat(((ProjectFileException) e).problems().get(0).toString())
                        .startsWith(".env:14: error: value expands to more than 65536 characters"));
        Map<String, String> atTheBound = assertDoesNotThrowParse("A=" + "x".repeat(32 * 1024) + "\nB=${A}$A\n");
        assertThat(atTheBound.get("B")).hasSize(64 * 1024);
    }

    @Test
    void expansionPastTheTotalBoundIsAnErrorWithFileAndLine() {
        StringBuilder many = new StringBuilder("A=" + "x".repeat(60 * 1024) + "\n");
        for (int i = 1; i <= 20; i++) {
            many.append("V").append(i).append("=$A\n");
        }
        // Each copy is 60 Ki: 17 copies fit in 1 MiB, the 18th (V18, line 19) does not.
        assertThatThrownBy(() -> parse(many.toString()))
                .satisfies(e -> assertThat(((ProjectFileException) e).problems().get(0).toString())
                        .startsWith(".env:19: error: variable expansion in this file exceeds 1048576 characters"));
    }

    @Test
    void terminalEscapesInEchoedEnvLinesAreShownNotSent() {
        assertThatThrownBy(() -> parse("\u001b]52;c;ZXZpbA==\u0007\n"))
                .satisfies(e -> assertThat(((ProjectFileException) e).problems().get(0).toString())
                        .isEqualTo(".env:1: error: expected KEY=value but found '\\e]52;c;ZXZpbA==\\x07'"));
    }

    private static Map<String, String> assertDoesNotThrowParse(String text) {
        try {
            return parse(text);
        } catch (ProjectFileException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
