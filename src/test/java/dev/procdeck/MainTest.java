package dev.procdeck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    @Test
    void aCommandNameIsACommandEvenWhenAFileOrFolderOfThatNameIsInTheCurrentFolder() throws Exception {
        // Main resolves a lone argument against the current folder, which a test cannot change: use names
        // that exist relative to it only as files made here, through their absolute form, and the bare names.
        Path start = Files.writeString(dir.resolve("start"), "#!/bin/sh\n");
        Path check = Files.createDirectories(dir.resolve("check"));
        assertThat(Main.opensDashboard(new String[] {start.toString()})).isTrue();
        assertThat(Main.opensDashboard(new String[] {check.toString()})).isTrue();
        assertThat(Main.opensDashboard(new String[] {})).isTrue();
        // the current folder of the test run (the module) has a folder named like no command, and src exists
        assertThat(Main.opensDashboard(new String[] {"src"})).isTrue();
        Path cwdCheck = Path.of("check");
        boolean made = !Files.exists(cwdCheck);
        Files.createDirectories(cwdCheck);
        Path cwdStart = Path.of("start");
        boolean madeStart = !Files.exists(cwdStart);
        if (madeStart) {
            Files.writeString(cwdStart, "#!/bin/sh\n");
        }
        try {
            assertThat(Main.opensDashboard(new String[] {"check"})).isFalse();
            assertThat(Main.opensDashboard(new String[] {"start"})).isFalse();
            assertThat(Main.opensDashboard(new String[] {"./start"})).isTrue();
        } finally {
            if (made) {
                Files.delete(cwdCheck);
            }
            if (madeStart) {
                Files.delete(cwdStart);
            }
        }
    }
}
