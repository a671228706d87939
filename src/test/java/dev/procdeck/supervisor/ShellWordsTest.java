package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShellWordsTest {

    @Test
    void theProgramIsTheFirstWordAfterAssignmentsAndExec() {
        assertThat(ShellWords.commandName("foo")).isEqualTo("foo");
        assertThat(ShellWords.commandName("  ./bin/web --port $PORT")).isEqualTo("./bin/web");
        assertThat(ShellWords.commandName("RACK_ENV=production\texec bundle exec puma")).isEqualTo("bundle");
    }

    @Test
    void whatOnlyAShellCouldTellIsNotGuessed() {
        assertThat(ShellWords.commandName("cd web && npm start")).isNull();
        assertThat(ShellWords.commandName("foo | bar")).isNull();
        assertThat(ShellWords.commandName("a; b")).isNull();
        assertThat(ShellWords.commandName("\"$APP\" serve")).isNull();
        assertThat(ShellWords.commandName("env FOO=1 serve")).isNull();
        assertThat(ShellWords.commandName("")).isNull();
        assertThat(ShellWords.commandName(null)).isNull();
        assertThat(ShellWords.commandName("x".repeat(500))).isNull();
    }
}
