package dev.procdeck.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.supervisor.Formation;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What an installed procdeck offers besides its commands: --version, shell completion, the man page. */
class InstallationCommandsTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    private static Result execute(String... args) {
        CommandLine cl = ProcdeckCommand.commandLine(a -> 0);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The version in pom.xml (the project's own, after its artifactId), which --version must print. */
    private static String pomVersion() throws Exception {
        Matcher m = Pattern.compile("<artifactId>procdeck</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).as("project version in pom.xml").isTrue();
        return m.group(1);
    }

    @Test
    void versionPrintsThePomVersionThenTheJavaRuntimeAndOs() throws Exception {
        for (String flag : List.of("--version", "-V")) {
            Result r = execute(flag);
            assertThat(r.code()).isZero();
            List<String> lines = r.out().lines().toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).isEqualTo("procdeck " + pomVersion());
            assertThat(lines.get(1)).startsWith("Java " + Runtime.version()).contains(System.getProperty("os.name"));
        }
    }

    @Test
    void completionScriptIsValidBashAndTheSameForZsh() throws Exception {
        Result bash = execute("completion", "bash");
        assertThat(bash.code()).isZero();
        assertThat(bash.out()).contains("complete -F _procdeck_complete", "start", "--formation", "check");
        assertThat(bash.out()).as("hidden commands are not offered").doesNotContain("'man-page'", " man-page ");
        Path script = dir.resolve("procdeck.bash");
        Files.writeString(script, bash.out());
        assertThat(bash("-n", script.toString()).code()).isZero();
        assertThat(execute("completion", "zsh").out()).isEqualTo(bash.out()).contains("bashcompinit");
        assertThat(execute("completion", "fish").code()).isEqualTo(2);
    }

    @Test
    void tabCompletesSubcommandsAndOptions() throws Exception {
        assertThat(complete(dir, "procdeck", "st")).containsExactly("start", "stop");
        assertThat(complete(dir, "procdeck", "start", "--form")).containsExactly("--formation");
        assertThat(complete(dir, "procdeck", "c")).contains("check", "completion").doesNotContain("complete-names");
        assertThat(complete(dir, "procdeck", "export", "s")).containsExactlyInAnyOrder("systemd", "supervisord");
    }

    @Test
    void tabCompletesProcessTypeNamesFromTheProcfileHereOrGivenWithDashD() throws Exception {
        Path launcher = launcher();
        Files.writeString(dir.resolve("Procfile"), "web: ./web\nworker: ./work\nclock: ./tick\n");
        assertThat(complete(dir, launcher.toString(), "start", "w")).containsExactlyInAnyOrder("web", "worker");
        assertThat(complete(dir, launcher.toString(), "run", "c")).containsExactly("clock");
        // run: only COMMAND can be a type; after -m comes a formation, not a name.
        assertThat(complete(dir, launcher.toString(), "run", "web", "c")).isEmpty();
        assertThat(complete(dir, launcher.toString(), "start", "-m", "w")).isEmpty();

        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        assertThat(complete(elsewhere, launcher.toString(), "start", "-d", dir.toString(), "w"))
                .containsExactlyInAnyOrder("web", "worker");
        assertThat(complete(elsewhere, launcher.toString(), "start", "--root=" + dir, "-t", "3", "cl"))
                .containsExactly("clock");
    }

    @Test
    void zshRunsTheSameScriptThroughBashcompinit() throws Exception {
        assumeTrue(new File("/usr/bin/zsh").canExecute(), "zsh not installed");
        Path launcher = launcher();
        Files.writeString(dir.resolve("Procfile"), "web: ./web\nworker: ./work\n");
        Path script = dir.resolve("completion.zsh");
        Files.writeString(script, execute("completion", "zsh").out());
        // zsh calls the function from bashcompinit's compgen, under `emulate sh`; zsh itself then keeps the
        // words that match what was typed, so COMPREPLY holds every name here.
        String program = "source '" + script + "'\nemulate -L sh\n"
                + "COMP_WORDS=('" + launcher + "' start w); COMP_CWORD=2; COMP_LINE='procdeck start w'\n"
                + "_procdeck_complete\nprint -l -- \"${COMPREPLY[@]}\"\n";
        ProcessBuilder pb = new ProcessBuilder("zsh", "-f", "-c", program).directory(dir.toFile());
        pb.environment().put("HOME", dir.toString()); // compinit may write its dump file there
        Result r = run(pb);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines()).containsExactly("web", "worker");
    }

    @Test
    void completeNamesListsTypesOrInstancesAndIsSilentWithoutAProcfile() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: ./web\nworker: ./work\n");
        assertThat(execute("complete-names", "-d", dir.toString()).out()).isEqualTo("web\nworker\n");
        assertThat(execute("complete-names", "instances", "-d", dir.toString()).out())
                .isEqualTo("web\nweb.1\nworker\nworker.1\n");
        Result none = execute("complete-names", "-d", dir.resolve("missing").toString());
        assertThat(none.code()).isZero();
        assertThat(none.out() + none.err()).isEmpty();
    }

    @Test
    void instanceNamesFollowTheFormation() throws Exception {
        var procfile = ProcfileParser.parse("Procfile", "web: a\nworker: b\nclock: c\n");
        assertThat(CompleteNamesCommand.instanceNames(procfile, Formation.parse("web=3,worker=0,clock=1")))
                .containsExactly("web", "web.1", "web.2", "web.3", "worker", "worker.1", "clock", "clock.1");
        // A saved formation naming a type the Procfile lost: one of each rather than nothing.
        assertThat(CompleteNamesCommand.instanceNames(procfile, Formation.parse("gone=2")))
                .containsExactly("web", "web.1", "worker", "worker.1", "clock", "clock.1");
    }

    @Test
    void manPageDocumentsEveryVisibleCommandAndOptionAndRendersWithoutWarnings() throws Exception {
        String page = ManPageCommand.manPage(ProcdeckCommand.commandLine(a -> 0).getCommandSpec(), "1.2.3",
                LocalDate.of(2026, 1, 2));
        assertThat(page).startsWith(".\\\"").contains(".TH PROCDECK 1 \"2026-01-02\" \"procdeck 1.2.3\"")
                .contains(".SS procdeck start", ".SS procdeck run", ".SS procdeck check", ".SS procdeck completion")
                .contains("\\fB\\-m\\fR, \\fB\\-\\-formation\\fR \\fIFORMATION\\fR")
                .contains("(default: 5)") // ${DEFAULT-VALUE} filled in
                .doesNotContain("complete-names", "procdeck man-page\n", "${");
        assertThat(execute("man-page").out()).startsWith(".\\\"").contains(".TH PROCDECK 1");

        assumeTrue(new File("/usr/bin/groff").canExecute(), "groff not installed");
        Path file = dir.resolve("procdeck.1");
        Files.writeString(file, page);
        Result rendered = run(List.of("groff", "-man", "-Tutf8", "-ww", file.toString()));
        assertThat(rendered.err()).isEmpty();
        assertThat(rendered.code()).isZero();
        assertThat(rendered.out().replaceAll(".\b", "").replaceAll("\\s+", " ")).contains("procdeck - Runs the processes of a Procfile")
                .contains("--formation FORMATION");
    }

    @Test
    void troffControlCharactersAtLineStartsAndBackslashesAreEscaped() {
        assertThat(ManPageCommand.escape(".TH evil\n'x\na\\b -c")).isEqualTo("\\&.TH evil\n\\&'x\na\\eb \\-c");
    }

    /** A procdeck command for the completion script to call: this test's classes in a fresh JVM. */
    private Path launcher() throws Exception {
        Path script = dir.resolve("bin").resolve("procdeck");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '" + System.getProperty("java.class.path") + "' dev.procdeck.Main \"$@\"\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        return script;
    }

    /** COMPREPLY after TAB at the end of {@code words}, as bash computes it with the generated script. */
    private List<String> complete(Path cwd, String... words) throws Exception {
        Path script = dir.resolve("completion.bash");
        Files.writeString(script, execute("completion", "bash").out());
        StringBuilder wordArray = new StringBuilder();
        for (String w : words) {
            wordArray.append(" '").append(w.replace("'", "'\\''")).append("'");
        }
        String program = "source '" + script + "'\n"
                + "COMP_WORDS=(" + wordArray + ")\n"
                + "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
                + "COMP_LINE=\"${COMP_WORDS[*]}\"\n"
                + "COMP_POINT=${#COMP_LINE}\n"
                + "_procdeck_complete 2>/dev/null\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", program).directory(cwd.toFile());
        Result r = run(pb);
        assertThat(r.code()).as(r.err()).isZero();
        List<String> reply = new ArrayList<>(r.out().lines().toList());
        reply.removeIf(String::isEmpty);
        return reply;
    }

    private Result bash(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private Result run(List<String> cmd) throws Exception {
        return run(new ProcessBuilder(cmd));
    }

    private static Result run(ProcessBuilder pb) throws Exception {
        pb.redirectInput(new File("/dev/null"));
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ended").isTrue();
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
    void everyCommandSummaryInTheHelpListIsAWholeSentence() {
        // `procdeck help` lists each command by the first line of its description; a sentence cut there reads
        // "Stops instances ...; procdeck keeps".
        CommandLine cl = ProcdeckCommand.commandLine(a -> 0);
        cl.getSubcommands().forEach((name, sub) -> {
            String[] description = sub.getCommandSpec().usageMessage().description();
            if (description.length > 0) {
                assertThat(description[0]).as("summary of " + name).endsWith(".");
            }
        });
    }
}
