package dev.procdeck.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.testing.Await;
import dev.procdeck.testing.ProcdeckProcess;
import dev.procdeck.testing.ProcessProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} and {@code start} on a project with procdeck.yml, run as a user runs them: their own JVM. */
class ProcdeckYmlCliTest {
    @TempDir
    Path dir;

    private final ProcessProbe probe = new ProcessProbe();

    record Result(int code, String out, String err) {
    }

    @AfterEach
    void noOrphans() {
        Await.until(Duration.ofSeconds(10), () -> probe.livePids().isEmpty(), () -> "orphans: " + probe.livePids());
    }

    private Result check() throws Exception {
        return run("check");
    }

    private Result run(String... args) throws Exception {
        Process p = ProcdeckProcess.builder(dir, probe, args).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("procdeck ended").isTrue();
        return new Result(p.exitValue(), out.get(), err.get());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void checkSummarisesAValidFileAndPrintsItsWarningsLikeTheProcfiles() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: ./web\nworker: ./worker\nreport: ./report\njunk\n");
        Files.writeString(dir.resolve("procdeck.yml"), """
                formation: {web: 2}
                types:
                  web: {restart: on-failure, restrat: never}
                  report: {schedule: "every 2s"}
                """);
        // A base port nobody holds (5000 may be another procdeck's): check warns of ports in use.
        int base = dev.procdeck.os.PortCheck.freePort();
        Files.writeString(dir.resolve(".env"), "PORT=" + base + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Result ok = check();
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).isEqualTo("valid procfile detected (web, worker, report)\n"
                + "valid procdeck.yml detected (formation web=2; report every 2s; settings for web)\n"
                + "router on port " + base + " \u2192 web (web.1 on " + (base + 1) + "; --no-router or router: off for none)\n");
        assertThat(ok.err()).isEqualTo(dir.resolve("Procfile") + ":4: warning: ignored 'junk': not a 'name: command'"
                + " entry or a '#' comment\n"
                + dir.resolve("procdeck.yml") + ":3:30: warning: unknown key 'restrat' in type 'web'"
                + " (did you mean restart?); it is ignored\n");
    }

    @Test
    void checkFailsWithEveryProblemOfTheFile() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: ./web\nworker: ./worker\n");
        Files.writeString(dir.resolve("procdeck.yml"),
                "types:\n  web:\n    restart: sometimes\n    depends_on: [worker]\n  worker:\n    depends_on: [web]\n");
        Result bad = check();
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).isEmpty();
        String yml = dir.resolve("procdeck.yml").toString();
        assertThat(bad.err()).isEqualTo(yml + ":3:14: error: restart must be always, on-failure or never, not 'sometimes'\n"
                + yml + ":4:18: error: depends_on forms a cycle: web -> worker -> web; remove one of these dependencies\n");
    }

    @Test
    void startRunsTheFilesFormationUnlessMIsGiven() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: echo web on $PORT\nworker: echo worker on $PORT\nother: echo other\n");
        Files.writeString(dir.resolve("procdeck.yml"), "formation: {web: 2, worker: 0}\n");
        Result byFile = run("start", "-p", "7000", "--restart", "never", "--no-timestamp", "--no-color");
        assertThat(byFile.code()).isZero();
        assertThat(byFile.out()).contains("web.1   | web on 7001").contains("web.2   | web on 7002")
                .contains("other.1 | other").doesNotContain("worker on");
        Result byOption = run("start", "-m", "worker=1", "-p", "7000", "--restart", "never", "--no-timestamp",
                "--no-color");
        assertThat(byOption.code()).isZero();
        assertThat(byOption.out()).contains("worker on 7100").doesNotContain("web on").doesNotContain("other |");
    }
}
