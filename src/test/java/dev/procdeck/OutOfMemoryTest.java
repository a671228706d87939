package dev.procdeck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.testing.Await;
import dev.procdeck.testing.ProcessProbe;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A procdeck whose JVM runs out of heap never stays half alive: the JVM ends (exit code 3) and its watchdog
 * stops the instances. With the launchers' {@code -XX:+ExitOnOutOfMemoryError} the JVM does it; without the
 * flag ({@code java -jar}) {@link dev.procdeck.cli.OutOfMemoryExit} does.
 */
class OutOfMemoryTest {
    @TempDir
    Path dir;

    @TempDir
    Path state;

    private final ProcessProbe probe = new ProcessProbe();
    private Process procdeck;

    @AfterEach
    void noOrphans() {
        if (procdeck != null) {
            procdeck.destroyForcibly();
        }
        Await.until(Duration.ofSeconds(15), () -> probe.livePids().isEmpty(), () -> "orphans: " + probe.livePids());
    }

    @Test
    void withTheLaunchersFlagTheJvmEndsAndTheWatchdogStopsTheInstances() throws Exception {
        runsOutOfMemoryAndLeavesNothing("-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void withoutTheFlagProcdeckEndsItselfAndTheWatchdogStopsTheInstances() throws Exception {
        String stderr = runsOutOfMemoryAndLeavesNothing();
        assertThat(stderr).contains("procdeck: out of memory in thread allocator");
    }

    @Test
    void everyLauncherPassesTheFlag() throws Exception {
        // bin/procdeck's two option sets, the dashboard under javafx:run, the package's native launcher.
        List<String> optionSets = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("bin/procdeck"))) {
            if (line.strip().startsWith("opts=\"-")) {
                optionSets.add("bin/procdeck: " + line.strip());
            }
        }
        assertThat(optionSets).hasSize(2);
        String pom = Files.readString(Path.of("pom.xml"));
        optionSets.add("pom.xml javafx:run: " + pom.substring(pom.indexOf("<options>"), pom.indexOf("</options>")));
        for (String line : Files.readAllLines(Path.of("bin/package"))) {
            if (line.contains("--java-options")) {
                optionSets.add("bin/package: " + line.strip());
            }
        }
        assertThat(optionSets).hasSize(4).allSatisfy(options -> assertThat(options).contains("-XX:+ExitOnOutOfMemoryError"));
    }

    private String runsOutOfMemoryAndLeavesNothing(String... jvmFlags) throws Exception {
        Files.writeString(dir.resolve("Procfile"), "sleeper: echo $$ > sleeper.pid; exec sleep 300\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-XX:+UseSerialGC"));
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), OutOfMemoryMain.class.getName(),
                "start", "--no-timestamp"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put(probe.name, probe.value);
        pb.environment().put("XDG_STATE_HOME", state.toString());
        pb.environment().remove("PORT");
        pb.redirectInput(new File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        File stderr = dir.resolve("stderr.txt").toFile();
        pb.redirectError(stderr);
        procdeck = pb.start();

        Path pidFile = dir.resolve("sleeper.pid");
        Await.until(Duration.ofSeconds(30), () -> Files.exists(pidFile) || !procdeck.isAlive(),
                "the sleeper writes its pid");
        assertThat(procdeck.waitFor(30, TimeUnit.SECONDS))
                .as("procdeck ends once out of memory, instead of running on half alive").isTrue();
        assertThat(procdeck.exitValue()).isEqualTo(3);
        long sleeper = Long.parseLong(Files.readString(pidFile).strip());
        // The watchdog's job: the instance's group is stopped (it ignores no signal, so TERM does it).
        Await.until(Duration.ofSeconds(15), () -> probe.livePids().isEmpty(),
                () -> "the instance " + sleeper + " and the watchdog end: " + probe.livePids());
        return Files.readString(stderr.toPath(), StandardCharsets.UTF_8);
    }
}
