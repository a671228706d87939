package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DirectArgvTest {
    private static final Path DIR = Path.of("/");
    private static final String PATH = "/usr/bin:/bin";

    @Test
    void simpleCommandsOfExistingProgramsSkipTheShell() {
        assertThat(PosixProcessLauncher.directArgv("sleep 10", PATH, DIR)).containsExactly("sleep", "10");
        assertThat(PosixProcessLauncher.directArgv("  sleep   10 ", PATH, DIR)).containsExactly("sleep", "10");
        assertThat(PosixProcessLauncher.directArgv("/bin/sleep --x=1", PATH, DIR)).containsExactly("/bin/sleep", "--x=1");
    }

    @Test
    void anythingTheShellMustSeeGoesThroughIt() {
        for (String c : new String[] {"echo $PORT", "ls *.txt", "a && b", "x > f", "echo 'q'", "FOO=1 sleep 1",
            "cd /tmp", "exec sleep 1", "sleep 1; sleep 2", "no-such-program-here 1", "~/bin/x", "sleep 1 &"}) {
            assertThat(PosixProcessLauncher.directArgv(c, PATH, DIR)).as(c).isNull();
        }
    }
}
