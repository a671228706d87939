package dev.procdeck.procfile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PluralTest {
    @Test
    void oneIsSingularEverythingElsePlural() {
        // Found: "Jump to latest (1 new lines)", "saved 1 lines", "the terminal missed 1 line(s)".
        assertThat(Plural.count(1, "new line")).isEqualTo("1 new line");
        assertThat(Plural.count(0, "line")).isEqualTo("0 lines");
        assertThat(Plural.count(2, "process group")).isEqualTo("2 process groups");
        assertThat(Plural.count(1, "process", "processes")).isEqualTo("1 process");
        assertThat(Plural.noun(3, "line")).isEqualTo("lines");
    }
}
