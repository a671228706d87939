package dev.procdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The user's patterns cannot freeze whoever matches them, and a pattern RE2 refuses says why. */
class UserRegexTest {
    /** 30 lines of 5,000 a's and a final b: {@code (.*a){12}$} backtracks through C(5000, 12) splits in each. */
    private static List<LogLine> aaaLines() {
        List<LogLine> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lines.add(new LogLine(i, Instant.EPOCH, "web.1", LogStream.STDOUT, "a".repeat(5_000) + "b"));
        }
        return lines;
    }

    @Test
    void aPathologicalFilterOnLongLinesEndsInTime() {
        LogFilter filter = LogFilter.ALL.withQuery("(.*a){12}$", true, false);
        List<LogLine> lines = aaaLines();
        List<LogLine> matched = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> lines.stream().filter(filter::matches).toList());
        assertThat(matched).isEmpty();
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> filter.matchRanges(lines.get(0).text()))).isEmpty();
        // The same pattern still finds what it should.
        assertThat(filter.matches(new LogLine(99, Instant.EPOCH, "web.1", LogStream.STDOUT, "a".repeat(20)))).isTrue();
    }

    @Test
    void plainQueriesMatchLiterallyAndCaseFoldsUnlessAsked() {
        LogFilter plain = LogFilter.ALL.withQuery("a.b (x)", false, false);
        assertThat(plain.matchRanges("A.B (X) and axb x")).containsExactly(new int[] {0, 7});
        LogFilter exact = LogFilter.ALL.withQuery("Error", true, true);
        assertThat(exact.matchRanges("error Error")).containsExactly(new int[] {6, 11});
        assertThat(LogFilter.ALL.withQuery("x*", true, true).matchRanges("axxb")).containsExactly(new int[] {1, 3});
    }

    @Test
    void whatRe2LeavesOutIsNamedInTheMessage() {
        assertThatThrownBy(() -> UserRegex.compile("foo(?=bar)", true))
                .isInstanceOf(UserRegex.InvalidRegexException.class)
                .hasMessageContaining("(?=").hasMessageContaining("lookahead, lookbehind and backreferences");
        assertThatThrownBy(() -> UserRegex.compile("(a)\\1", true)).hasMessageContaining("backreferences");
        assertThatThrownBy(() -> UserRegex.compile("([", true)).hasMessageContaining("missing closing ]");
    }
}
