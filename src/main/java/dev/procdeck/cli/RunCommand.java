package dev.procdeck.cli;

import dev.procdeck.os.Terminal;
import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectFileException;
import dev.procdeck.supervisor.InstanceEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A one-off process with the app's environment, like {@code foreman run} and {@code heroku run}: attached to
 * the terminal, its exit code passed through. Procdeck's options end at COMMAND (see ProcdeckCommand), so
 * every word after it belongs to the command:
 * <ul>
 *   <li>several words are an argv, executed as they are (no shell: {@code run echo "a  b"} keeps both spaces,
 *       {@code run echo "x; rm y"} prints the text);</li>
 *   <li>one word holding spaces or shell syntax is a command line for {@code sh -c}, as in
 *       {@code run 'rake db:migrate && rake seed'} or {@code run 'echo $PORT'};</li>
 *   <li>a process type's name runs its Procfile command through {@code sh -c}, each further word
 *       shell-quoted onto the end ({@code run web --verbose}).</li>
 * </ul>
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a one-off command with the app's environment (DYNO=run.1, a free PORT).",
            "Options go before COMMAND; everything after it is the command's. Several words run as they are;",
            "a single word with spaces or shell syntax runs with sh -c. If COMMAND is a process type, its",
            "Procfile command runs with ARGS appended. A Procfile is not needed."})
public final class RunCommand implements Callable<Integer> {
    /** Anything a shell would treat specially; a lone word with none of it is a program name. */
    private static final Pattern SHELL_SYNTAX = Pattern.compile("[\\s'\"`$&;|<>()*?\\[\\]{}~!#\\\\]");
    private static final Pattern NEEDS_NO_QUOTES = Pattern.compile("[A-Za-z0-9_./:,+@%=-]+");

    @Mixin
    ProjectOptions project;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "5",
            description = "when procdeck is stopped: seconds between SIGTERM and SIGKILL (default: ${DEFAULT-VALUE})")
    double timeout;

    @Parameters(arity = "1..*", paramLabel = "COMMAND [ARGS...]", description = "program and arguments, a command"
            + " line, or a process type")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Duration stopTimeout;
        try {
            stopTimeout = OptionChecks.stopTimeout(timeout);
        } catch (IllegalArgumentException e) {
            Problems.printError(System.err, e.getMessage());
            return 2;
        }
        Project p;
        try {
            p = project.loadProcfileOptional(System.getenv());
        } catch (ProjectFileException e) {
            Problems.print(System.err, e.problems());
            return 1;
        }
        List<String> argv = argv(p, command);
        int port = freePort();
        // With a terminal the child must stay in procdeck's (foreground) process group: in a group of its
        // own it could not read the terminal (SIGTTIN) and Ctrl-C would reach procdeck only. Without one,
        // a group of its own lets a stop reach everything it started, double-forked daemons included.
        boolean terminal = Terminal.stdinIsTerminal();
        List<String> launch = new ArrayList<>();
        if (!terminal && SETSID != null) {
            launch.add(SETSID);
        }
        if (SETPRIV != null) {
            // The kernel sends the child SIGTERM when procdeck dies, even by SIGKILL, when no handler of ours
            // can run. It fires when the *thread* that started the child ends; this is the main thread, which
            // lives until procdeck exits.
            launch.addAll(List.of(SETPRIV, "--pdeathsig", "TERM", "--"));
        }
        launch.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(launch)
                .directory(p.root().toFile())
                .inheritIO();
        builder.environment().clear();
        builder.environment().putAll(InstanceEnvironment.build(System.getenv(), p.dotEnv(), "run.1", port));
        // An argv is exec'd by setpriv, whose "setpriv: failed to execute x" hides what went wrong: say it as a
        // shell would, with the shell's exit codes (127 not found, 126 not executable).
        Optional<NotRunnable> notRunnable = notRunnable(argv, p.root(), builder.environment().get("PATH"));
        if (notRunnable.isPresent()) {
            Problems.printError(System.err, notRunnable.get().message());
            return notRunnable.get().code();
        }
        // Ctrl-C reaches the child through the terminal; procdeck must outlive it to pass on its exit code.
        Signals.ignore("INT");
        Signals.ignore("QUIT");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            Problems.printError(System.err, "cannot run '" + String.join(" ", argv) + "': " + e.getMessage());
            return 127;
        }
        OneOff oneOff = new OneOff(process, !terminal && SETSID != null, stopTimeout);
        Signals.handle("TERM", oneOff::stop);
        Signals.handle("HUP", oneOff::stop);
        if (!terminal) {
            // No terminal delivers these to the child: pass them on.
            Signals.handle("INT", () -> oneOff.forward(dev.procdeck.os.Signal.INT));
        }
        int code = process.waitFor();
        oneOff.awaitStopped();
        return code;
    }

    /** What to execute for the words after procdeck's options (see the class comment). */
    static List<String> argv(Project project, List<String> words) {
        Optional<ProcessType> type = project.procfile().runnable(words.get(0));
        if (type.isPresent()) {
            StringBuilder line = new StringBuilder(type.get().command());
            for (String arg : words.subList(1, words.size())) {
                line.append(' ').append(shellQuote(arg));
            }
            return List.of("/bin/sh", "-c", line.toString());
        }
        if (words.size() == 1 && SHELL_SYNTAX.matcher(words.get(0)).find()) {
            return List.of("/bin/sh", "-c", words.get(0));
        }
        return List.copyOf(words);
    }

    /** Why an argv cannot be executed, with the shell's exit code for it. */
    record NotRunnable(String message, int code) {
    }

    /**
     * For an argv run without a shell: whether its program exists and may be executed, found as exec would find
     * it (a name with a slash from the project folder, else through PATH). Empty when it can run, or when a shell
     * runs the command (the shell then says what is wrong itself).
     */
    static Optional<NotRunnable> notRunnable(List<String> argv, Path dir, String path) {
        String program = argv.get(0);
        if (program.equals("/bin/sh") && argv.size() > 1 && argv.get(1).equals("-c")) {
            return Optional.empty();
        }
        if (program.contains("/")) {
            Path file = dir.resolve(program);
            if (!Files.exists(file)) {
                return Optional.of(new NotRunnable("no such file: " + program, 127));
            }
            if (Files.isDirectory(file) || !Files.isExecutable(file)) {
                return Optional.of(new NotRunnable("permission denied: " + program + " is not an executable file", 126));
            }
            return Optional.empty();
        }
        for (String entry : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(":", -1)) {
            Path file = (entry.isEmpty() ? dir : dir.resolve(entry)).resolve(program);
            if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                return Optional.empty();
            }
        }
        return Optional.of(new NotRunnable("command not found: " + program, 127));
    }

    /** The word as one shell word: unchanged if plainly safe, else in single quotes. */
    static String shellQuote(String word) {
        if (NEEDS_NO_QUOTES.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static final String SETPRIV = executable("setpriv");
    private static final String SETSID = executable("setsid");

    /** util-linux tools at their usual places; null where missing (then we do without, see call()). */
    private static String executable(String name) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static int freePort() {
        return dev.procdeck.os.PortCheck.freePort();
    }
}
