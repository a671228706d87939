package dev.procdeck.cli;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The headless commands as a user runs them: a separate JVM, real processes, real signals. */
class CliTest {
    @TempDir
    Path dir;

    private final ProcessProbe probe = new ProcessProbe();

    record Result(int code, String out, String err) {
    }

    private Process launch(String... args) throws Exception {
        return dev.procdeck.testing.ProcdeckProcess.builder(dir, probe, args).start();
    }

    private Result run(String... args) throws Exception {
        Process p = launch(args);
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

    private void procfile(String text) throws Exception {
        Files.writeString(dir.resolve("Procfile"), text);
    }

    @AfterEach
    void noOrphans() {
        Await.until(Duration.ofSeconds(10), () -> probe.livePids().isEmpty(), () -> "orphans: " + probe.livePids());
    }

    @Test
    void checkReportsTypesOrErrorsWithFileAndLine() throws Exception {
        procfile("web: ./web\nworker: ./worker\n");
        Result ok = run("check");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).isEqualTo("valid procfile detected (web, worker)\n"
                + "router on port 5000 \u2192 web (web.1 on 5001; --no-router or router: off for none)\n");

        procfile("web: a\njunk line\nweb: b\n");
        Result bad = run("check", "-d", dir.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains(dir.resolve("Procfile") + ":3: error: duplicate process type 'web' (first defined on line 1)")
                .contains(":2: warning: ignored 'junk line'");

        Files.writeString(dir.resolve(".env"), "OK=1\nBROKEN\n");
        procfile("web: a\n");
        assertThat(run("check").err()).contains(".env:2: error: 'BROKEN' has no '='");
    }

    @Test
    void missingFolderAndUnknownCommandAreExplained() throws Exception {
        Result missing = run("check", "-d", "/no/such/folder");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("/no/such/folder: error: folder not found");
        Result unknown = run("stat");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("'stat' is neither a command nor an existing folder");
    }

    @Test
    void startPrintsPrefixedLinesAndExitsWithTheFirstFailure() throws Exception {
        procfile("web: echo \"on $PORT as $PS, x${PORT}S [$PORTS]\"\nbad: sleep 0.3; echo oops >&2; exit 3\n");
        Result r = run("start", "--restart", "never", "--no-timestamp", "--no-color");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).contains("web.1  | on 5001 as web.1, x5001S []\n") // behind the router on 5000
                .contains("bad.1  | oops\n")
                .contains("system | bad.1 crashed with exit code 3 (restart policy: never)\n");
        assertThat(r.out().lines()).allMatch(l -> l.matches("(web\\.1 |bad\\.1 |system) \\| .*"));
    }

    @Test
    void startExitsZeroWhenEverythingExitedCleanlyAndHonoursFormationAndPort() throws Exception {
        procfile("web: echo $PORT\nworker: echo w$PORT\n");
        // Foreman's ports exactly: without the router, web.1 has the base port.
        Result r = run("start", "-m", "web=2,worker=0", "-p", "7000", "--restart", "on-failure", "--no-timestamp",
                "--no-router");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("web.1  | 7000").contains("web.2  | 7001").doesNotContain("worker")
                .doesNotContain("router:");
    }

    @Test
    void exitOnCrashStopsTheRestAndPassesTheCode() throws Exception {
        procfile("long: sleep 1000 & wait\ncrash: sleep 0.5; exit 42\n");
        Result r = run("start", "--exit-on-crash", "--no-timestamp");
        assertThat(r.code()).isEqualTo(42);
        assertThat(r.out()).contains("long.1 stopped");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"TERM", "INT", "HUP"})
    void aSignalStopsEveryProcessTreeGracefully(String signal) throws Exception {
        procfile("tree: sh -c 'sleep 1000 & wait' & (sleep 1000 &); echo up; wait\nweb: echo up; exec sleep 1000\n");
        Process p = launch("start", "--no-timestamp");
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (out) {
                        out.append(line).append('\n');
                    }
                }
            } catch (java.io.IOException ignored) {
                // ended
            }
        });
        reader.start();
        Await.until(Duration.ofSeconds(20), () -> {
            synchronized (out) {
                return out.toString().contains("tree.1 | up") && out.toString().contains("web.1  | up");
            }
        }, () -> "both up: " + out);
        Await.until(Duration.ofSeconds(10), () -> probe.livePids().size() >= 6, () -> "tree: " + probe.livePids());
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        reader.join(5000);
        assertThat(p.exitValue()).isZero();
        assertThat(out.toString()).contains("SIG" + signal + " received, stopping all processes").contains("tree.1 stopped")
                .contains("web.1 stopped");
        Await.until(Duration.ofSeconds(5), () -> probe.livePids().isEmpty(), () -> "orphans: " + probe.livePids());
    }

    private Process startTreeAndWait() throws Exception {
        procfile("tree: sh -c 'sleep 1000 & wait' & (sleep 1000 &); exec sleep 1000\n");
        Process p = launch("start", "--no-timestamp");
        Await.until(Duration.ofSeconds(20), () -> probe.livePids().size() >= 5, () -> "tree: " + probe.livePids());
        return p;
    }

    private List<Long> watchdogs() {
        return probe.livePids().stream().filter(pid -> {
            try {
                return Files.readString(Path.of("/proc", pid.toString(), "cmdline")).contains("procdeck-watchdog");
            } catch (java.io.IOException e) {
                return false;
            }
        }).toList();
    }

    @Test
    void sigkillOfProcdeckStillLeavesNothingRunningWithinTenSeconds() throws Exception {
        Process p = startTreeAndWait();
        assertThat(watchdogs()).hasSize(1);
        new ProcessBuilder("kill", "-KILL", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        Await.until(Duration.ofSeconds(10), () -> probe.livePids().isEmpty(), () -> "orphans: " + probe.livePids());
    }

    @Test
    void nextLaunchStopsWhatADeadProcdeckLeftBehind() throws Exception {
        Process p = startTreeAndWait();
        for (long w : watchdogs()) {
            new ProcessBuilder("kill", "-KILL", Long.toString(w)).start().waitFor();
        }
        new ProcessBuilder("kill", "-KILL", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.livePids()).as("the tree survives its procdeck and watchdog").isNotEmpty();
        procfile("quick: echo hi\n");
        Result again = run("start", "--restart", "never", "--no-timestamp");
        assertThat(again.out()).containsPattern("found 1 process group left running by an earlier procdeck"
                + " \\(process group \\d+ from [0-9-]+\\); stopping them");
        assertThat(again.out()).contains("quick.1 | hi");
    }

    @Test
    void aClosedStdoutEndsTheRunGracefullyLikeSigpipe() throws Exception {
        procfile("chatty: while true; do echo tick; sleep 0.01; done\n");
        Process p = launch("start", "--no-timestamp");
        java.io.InputStream out = p.getInputStream();
        Await.until(Duration.ofSeconds(20), () -> {
            try {
                return out.available() > 0;
            } catch (java.io.IOException e) {
                return false;
            }
        }, "output");
        out.close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("procdeck ends when nobody reads its output").isTrue();
    }

    @Test
    void bidiControlsFromAChildReachNeitherTheTerminalNorTheSessionLogRaw() throws Exception {
        procfile("c: printf 'deploy to \\342\\200\\256dorp-ton\\342\\200\\254 staging\\n'\n");
        Result r = run("start", "--restart", "never", "--no-timestamp", "--no-color");
        assertThat(r.out()).contains("c.1    | deploy to \\u202edorp-ton\\u202c staging\n")
                .doesNotContain("\u202e");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("every line is also written to (\\S+)").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        try (var logs = Files.list(Path.of(m.group(1)))) {
            String log = logs.filter(f -> f.getFileName().toString().startsWith("output-")).map(f -> {
                try {
                    return Files.readString(f);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).reduce("", String::concat);
            assertThat(log).contains("deploy to \\u202edorp-ton\\u202c staging").doesNotContain("\u202e");
        }
    }

    @Test
    void colourCodesArePassedOrStrippedButHijackingSequencesNever() throws Exception {
        procfile("c: printf '\\033[31mred\\033[0m \\033]0;title\\007\\033[2Jdone\\n'\n");
        Result plain = run("start", "--restart", "never", "--no-timestamp", "--no-color");
        assertThat(plain.out()).contains("c.1    | red done\n");
        Result coloured = run("start", "--restart", "never", "--no-timestamp", "--color");
        assertThat(coloured.out()).contains("\u001b[31mred\u001b[0m done\u001b[0m\n").doesNotContain("\u001b]0")
                .doesNotContain("\u001b[2J");
    }

    @Test
    void runUsesTheAppEnvironmentAndPassesTheExitCode() throws Exception {
        procfile("worker: sh -c 'echo worker got \"$0\" $1' arg0\n");
        Files.writeString(dir.resolve(".env"), "SECRET=s3cret\n");
        Result env = run("run", "echo $DYNO $SECRET $PORT; exit 7");
        assertThat(env.code()).isEqualTo(7);
        assertThat(env.out()).matches("run\\.1 s3cret \\d+\\n");
        Result type = run("run", "worker", "42");
        assertThat(type.out()).isEqualTo("worker got arg0 42\n");
    }

    // ---- Review finding A: option values are checked before anything starts ----

    @Test
    void portsPast65535AreAnErrorBeforeAnythingStartsAndCheckReportsThem() throws Exception {
        procfile("web: echo web up\nworker: echo worker up\n");
        Files.writeString(dir.resolve(".env"), "PORT=65500\n");
        Result check = run("check");
        assertThat(check.code()).isEqualTo(1);
        assertThat(check.err()).contains("error: worker.1 would get port 65600");
        Result start = run("start", "--restart", "never", "--no-timestamp");
        assertThat(start.code()).isEqualTo(2);
        assertThat(start.err()).contains("procdeck: worker.1 would get port 65600");
        assertThat(start.out()).doesNotContain("up");
        Files.delete(dir.resolve(".env"));
        for (String bad : List.of("0", "65536")) {
            Result r = run("start", "-p", bad);
            assertThat(r.code()).as("-p %s", bad).isEqualTo(2);
            assertThat(r.err()).contains("-p/--port is " + bad + "; a port is between 1 and 65535");
        }
    }

    @Test
    void timeoutMustBeFiniteSecondsFrom0To3600() throws Exception {
        procfile("web: echo web up\n");
        for (String bad : List.of("NaN", "Infinity", "-1", "3601")) {
            Result r = run("start", "-t", bad, "--restart", "never");
            assertThat(r.code()).as("-t %s", bad).isEqualTo(2);
            assertThat(r.err()).contains("give a number of seconds from 0 to 3600");
            assertThat(r.out()).doesNotContain("web up");
        }
    }

    @Test
    void procfileOptionNamingAFolderWorksForStartAndCheckAndRunsThere() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("Procfile"), "here: pwd\n");
        Result check = run("check", "-f", "app");
        assertThat(check.code()).isZero();
        assertThat(check.out()).isEqualTo("valid procfile detected (here)\n");
        Result start = run("start", "-f", "app", "--restart", "never", "--no-timestamp", "--no-color");
        assertThat(start.code()).isZero();
        assertThat(start.out()).contains("here.1 | " + app.toRealPath() + "\n");
    }

    @Test
    void formationNamingATypeTwiceOrAnUnknownTypeIsExplained() throws Exception {
        procfile("web: echo web up\nworker: echo worker up\n");
        Result twice = run("start", "-m", "web=1,web=2");
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).contains("'web' is named more than once in formation 'web=1,web=2'");
        Result unknown = run("start", "-m", "wbe=1");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown process type 'wbe' in formation; valid types (from ")
                .contains("Procfile): web, worker");
        assertThat(twice.out() + unknown.out()).doesNotContain("up");
    }

    // ---- Review finding D: our own messages never send terminal escapes ----

    @Test
    void terminalEscapesInEchoedProjectTextAreShownNotSent() throws Exception {
        procfile("web: echo ok\n\u001b]52;c;ZXZpbA==\u0007 junk\n");
        Files.writeString(dir.resolve(".env"), "PORT=\u001b[2J\n");
        Result r = run("check");
        assertThat(r.err()).doesNotContain("\u001b").doesNotContain("\u0007")
                .contains("warning: ignored '\\e]52;c;ZXZpbA==\\x07 junk'")
                .contains("PORT in .env is '\\e[2J', not a number");
    }

    @Test
    void checkFailsWhenItsResultCannotBeWritten() throws Exception {
        procfile("web: echo web up\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.procdeck.Main", "check"));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(new File("/dev/full")).start();
        String err = read(p.getErrorStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(err).contains("procdeck: cannot write to standard output");
    }

    @Test
    void aFileFullOfErrorsShowsTheFirstTwentyAndACount() throws Exception {
        procfile("web: echo ok\n");
        StringBuilder env = new StringBuilder();
        for (int i = 0; i < 83; i++) {
            env.append("bad line ").append(i).append('\n');
        }
        Files.writeString(dir.resolve(".env"), env);
        Result r = run("check");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().filter(l -> l.contains("invalid variable name"))).hasSize(20);
        assertThat(r.err()).contains("procdeck: 63 more problems not shown (63 in " + dir.resolve(".env")
                + "; 63 errors): fix the ones above first");
        assertThat(r.err().length()).isLessThan(5000);
    }

    @Test
    void checkSaysWhenAnEnvironmentIsTooLargeForLinuxToStartTheType() throws Exception {
        procfile("web: echo ok\nworker: echo ok\n");
        Files.writeString(dir.resolve("procdeck.yml"), "types:\n  worker:\n    env:\n      BLOB: " + "x".repeat(300_000) + "\n");
        Result r = run("check");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("procdeck.yml: error: type worker cannot start: BLOB is 293 KiB with its name;"
                + " Linux passes at most 128 KiB per variable (MAX_ARG_STRLEN): put the value in a file and pass the"
                + " file's path");
        assertThat(r.err()).doesNotContain("type web");
        // Under the limit, check passes.
        Files.writeString(dir.resolve("procdeck.yml"), "types:\n  worker:\n    env:\n      BLOB: " + "x".repeat(100_000) + "\n");
        assertThat(run("check").code()).isZero();
    }

    @Test
    void checkNamesWhoHoldsAPortTheFormationWouldUse() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            procfile("web: echo ok\nworker: echo ok\n");
            // The base port is the router's; the worker's block is 100 up.
            Files.writeString(dir.resolve(".env"), "PORT=" + (taken.getLocalPort() - 100) + "\n");
            Result r = run("check");
            assertThat(r.code()).as(r.err()).isZero(); // a warning: the program may be gone by the time it starts
            assertThat(r.err()).contains("procdeck: warning: port " + taken.getLocalPort() + " (worker.1's $PORT) is in use"
                    + " by pid " + ProcessHandle.current().pid() + " (");
            Files.writeString(dir.resolve(".env"), "PORT=" + taken.getLocalPort() + "\n");
            assertThat(run("check").err()).contains("procdeck: warning: port " + taken.getLocalPort() + " (the router's,"
                    + " in front of web) is in use by pid " + ProcessHandle.current().pid() + " (")
                    .contains("start would run without the router");
        }
    }

    @Test
    void helpAndVersionFailWhenTheyCannotBeWritten() throws Exception {
        for (List<String> args : List.of(List.of("--help"), List.of("--version"), List.of("check", "--help"),
                List.of("help", "start"))) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "dev.procdeck.Main"));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(new File("/dev/full")).start();
            String err = read(p.getErrorStream());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(args.toString()).isEqualTo(1);
            assertThat(err).as(args.toString()).contains("procdeck: cannot write to standard output");
        }
    }

    @Test
    void exportWritesTheFormationForAnotherManagerAndExplainsWhatItCannotDo() throws Exception {
        procfile("web: ./web --port $PORT\nworker: ./work\n");
        Files.writeString(dir.resolve(".env"), "API_KEY=k3y\nMODE=prod\n");
        Path out = dir.resolve("units");
        Result r = run("export", "systemd", out.toString(), "-a", "shop", "-m", "web=2,worker=1", "-p", "7000", "-u", "deploy");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("wrote " + out.resolve("shop-web-1.service") + "\nwrote "
                + out.resolve("shop-web-2.service") + "\nwrote " + out.resolve("shop-worker-1.service") + "\nwrote "
                + out.resolve("shop.target") + "\n\nsystemd: web runs behind procdeck's router locally; systemd routes"
                + " nothing, so put a reverse proxy in front of its 2 instances (ports 7000, 7001). For nginx:\n"
                + r.out().substring(r.out().indexOf("# nginx:")));
        assertThat(Files.readString(out.resolve("shop-web-2.service"))).contains("Environment=\"PORT=7001\"\n",
                "User=deploy\n", "EnvironmentFile=" + dir.toRealPath().resolve(".env") + "\n").doesNotContain("k3y");

        Result again = run("export", "systemd", out.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("is not empty").contains("--force");
        assertThat(run("export", "systemd", out.toString(), "--force", "-a", "shop").code()).isZero();

        Result launchd = run("export", "launchd", dir.resolve("plists").toString());
        assertThat(launchd.code()).isZero();
        assertThat(launchd.err()).contains("procdeck: warning: secrets left out of the exported files: API_KEY");

        Result unknown = run("export", "upstart", dir.resolve("x").toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown export format 'upstart'; choose one of systemd, launchd, supervisord,"
                + " kubernetes");
        Result noImage = run("export", "kubernetes", dir.resolve("k8s").toString());
        assertThat(noImage.code()).isEqualTo(2);
        assertThat(noImage.err()).contains("kubernetes export needs --image IMAGE");
        assertThat(dir.resolve("x")).doesNotExist();
        assertThat(dir.resolve("k8s")).doesNotExist();
    }

    @Test
    void optionErrorsQuoteTheBadArgumentWithItsEscapesShownNotSent() throws Exception {
        procfile("web: echo web up\n");
        for (List<String> args : List.of(List.of("start", "-t", "\u001b[2J"), List.of("start", "-p", "\u001b]52;c;aGk=\u0007"),
                List.of("check", "--bogus\u001b[2J"))) {
            Result r = run(args.toArray(String[]::new));
            assertThat(r.code()).as("%s", args).isEqualTo(2);
            assertThat(r.err()).as("%s", args).contains("\\e").doesNotContain("\u001b").doesNotContain("\u0007");
            assertThat(r.out()).doesNotContain("web up");
        }
    }

    // ---- Review finding E: run is a drop-in for foreman run ----

    @Test
    void runOptionsEndAtTheCommandAndSeveralWordsAreAnArgvRunAsTheyAre() throws Exception {
        procfile("web: echo web\n");
        Files.writeString(dir.resolve("name"), "SURPRISE");
        assertThat(run("run", "sh", "-c", "exit 7").code()).isEqualTo(7);
        assertThat(run("run", "--", "sh", "-c", "exit 7").code()).isEqualTo(7);
        assertThat(run("run", "echo", "a  b").out()).isEqualTo("a  b\n");
        assertThat(run("run", "ls", "-d", dir.toString()).out()).isEqualTo(dir + "\n");
        Result injected = run("run", "echo", "x; echo INJECTED");
        assertThat(injected.out()).isEqualTo("x; echo INJECTED\n");
        assertThat(run("run", "echo", "@name", "--help").out()).isEqualTo("@name --help\n");
        Result missing = run("run", "no-such-program-here");
        assertThat(missing.code()).isEqualTo(127);
        assertThat(missing.err()).isEqualTo("procdeck: command not found: no-such-program-here\n");
        Result missingFile = run("run", "./nothing-here", "x");
        assertThat(missingFile.code()).isEqualTo(127);
        assertThat(missingFile.err()).isEqualTo("procdeck: no such file: ./nothing-here\n");
        Files.writeString(dir.resolve("not-executable"), "echo hi\n");
        Result notExecutable = run("run", "./not-executable");
        assertThat(notExecutable.code()).isEqualTo(126);
        assertThat(notExecutable.err()).contains("permission denied: ./not-executable is not an executable file");
    }

    @Test
    void runPassesSignalExitCodesAndShellQuotesArgumentsOfAProcessType() throws Exception {
        procfile("say: printf '[%s]'\n");
        assertThat(run("run", "say", "it's", "a  b", "$HOME").out()).isEqualTo("[it's][a  b][$HOME]");
        assertThat(run("run", "sh -c 'kill -TERM $$'").code()).isEqualTo(128 + 15);
    }

    @Test
    void runWorksWithADotEnvAndNoProcfile() throws Exception {
        Files.writeString(dir.resolve(".env"), "ONLY=env\n");
        Result r = run("run", "echo $ONLY $DYNO");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("env run.1\n");
        assertThat(run("check").code()).as("check still needs a Procfile").isEqualTo(1);
    }

    // ---- Review finding F: a one-off is in procdeck's care ----

    private List<Long> sleeps(String seconds) {
        return probe.livePids().stream().filter(pid -> {
            try {
                return Files.readString(Path.of("/proc", pid.toString(), "cmdline")).equals("sleep\0" + seconds + "\0");
            } catch (java.io.IOException e) {
                return false;
            }
        }).toList();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"TERM", "HUP"})
    void aOneOffStopsWhenProcdeckIsToldToStop(String signal) throws Exception {
        Process p = launch("run", "sleep", "300");
        Await.until(Duration.ofSeconds(20), () -> sleeps("300").size() == 1, () -> "sleep: " + probe.livePids());
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
        Await.until(Duration.ofSeconds(10), () -> sleeps("300").isEmpty(), "the one-off to be stopped");
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("sleep's own status, killed by SIGTERM").isEqualTo(128 + 15);
    }

    @Test
    void aOneOffThatIgnoresSigtermIsKilledAfterTheTimeout() throws Exception {
        Process p = launch("run", "-t", "0.5", "trap '' TERM; sleep 301; :");
        Await.until(Duration.ofSeconds(20), () -> sleeps("301").size() == 1, () -> "sleep: " + probe.livePids());
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(128 + 9);
        Await.until(Duration.ofSeconds(10), () -> sleeps("301").isEmpty(), "the whole group to be killed");
    }

    @Test
    void aOneOffDoesNotOutliveASigkilledProcdeck() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv");
        Process p = launch("run", "sleep", "300");
        Await.until(Duration.ofSeconds(20), () -> sleeps("300").size() == 1, () -> "sleep: " + probe.livePids());
        new ProcessBuilder("kill", "-KILL", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Await.until(Duration.ofSeconds(10), () -> sleeps("300").isEmpty(), "the one-off to die with procdeck");
    }

    @Test
    void withATerminalTheOneOffStaysInProcdecksForegroundGroupAndStillStops() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs script(1)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "exec " + RunCommand.shellQuote(java) + " -cp " + RunCommand.shellQuote(System.getProperty("java.class.path"))
                + " dev.procdeck.Main run sleep 300";
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-qec", cmd, "/dev/null").directory(dir.toFile());
        pb.environment().put(probe.name, probe.value);
        pb.redirectInput(new File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Process script = pb.start();
        try {
            Await.until(Duration.ofSeconds(20), () -> sleeps("300").size() == 1, () -> "sleep: " + probe.livePids());
            long sleep = sleeps("300").get(0);
            long procdeck = ProcessHandle.of(sleep).flatMap(ProcessHandle::parent).orElseThrow().pid();
            // Field 5 of /proc/PID/stat is the process group, field 8 the terminal's foreground group.
            String[] sleepStat = stat(sleep);
            assertThat(sleepStat[4]).as("same group as procdeck").isEqualTo(stat(procdeck)[4]);
            assertThat(sleepStat[7]).as("the terminal's foreground group").isEqualTo(sleepStat[4]);
            new ProcessBuilder("kill", "-TERM", Long.toString(procdeck)).start().waitFor();
            Await.until(Duration.ofSeconds(10), () -> sleeps("300").isEmpty(), "the one-off to be stopped");
            assertThat(script.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            script.destroyForcibly();
        }
    }

    private static String[] stat(long pid) throws java.io.IOException {
        String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // Fields after the command name, which sits in parentheses and may hold spaces.
        String[] rest = s.substring(s.lastIndexOf(')') + 2).split(" ");
        String[] fields = new String[rest.length + 2];
        System.arraycopy(rest, 0, fields, 2, rest.length);
        return fields;
    }
}
