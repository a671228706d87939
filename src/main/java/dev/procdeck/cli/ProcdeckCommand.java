package dev.procdeck.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The top-level command: subcommands for headless use; a folder (or nothing) opens the dashboard. */
@Command(name = "procdeck", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {"Runs the processes of a Procfile: a desktop dashboard, or headless like Foreman.",
            "", "With no command (or a FOLDER) it opens the dashboard."})
public final class ProcdeckCommand implements Callable<Integer> {
    /** Every subcommand, in the order help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(StartCommand.class, RunCommand.class, CheckCommand.class,
            ExportCommand.class,
            // Driving a running procdeck through its control socket (README "Driving a running app").
            PsCommand.class, ScaleCommand.class, InstanceCommand.Restart.class, InstanceCommand.Stop.class,
            InstanceCommand.Start.class, LogsCommand.class, ConnectCommand.class, AttachCommand.class,
            CommandLine.HelpCommand.class, CompletionCommand.class, CompleteNamesCommand.class, ManPageCommand.class);
    /** Commands that read the whole command model (help of any command, completion scripts, the man page). */
    private static final Set<String> NEED_ALL = Set.of("help", "completion", "man-page");

    /** Opens the dashboard; supplied by the launcher so that this package does not depend on the UI. */
    private final java.util.function.Function<String[], Integer> dashboard;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FOLDER", description = "project folder to open in the dashboard")
    Path folder;

    public ProcdeckCommand(java.util.function.Function<String[], Integer> dashboard) {
        this.dashboard = dashboard;
    }

    private static List<String> names(Class<?> c) {
        Command command = c.getAnnotation(Command.class);
        List<String> names = new java.util.ArrayList<>(List.of(command.aliases()));
        names.add(command.name());
        return names;
    }

    private static Object newInstance(Class<?> c) {
        try {
            var constructor = c.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the command " + c.getName(), e);
        }
    }

    /** How this launcher opens the dashboard (for {@code procdeck attach}). */
    java.util.function.Function<String[], Integer> dashboard() {
        return dashboard;
    }

    @Override
    public Integer call() {
        if (folder != null && !Files.exists(folder)) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("procdeck: '" + dev.procdeck.procfile.Visible.escape(folder.toString())
                    + "' is neither a command nor an existing folder.");
            err.println("Commands: start, run, check, export, ps, scale, restart, stop, ps:start, logs, connect,"
                    + " attach, completion, help. Try 'procdeck --help'.");
            return 2;
        }
        return openDashboard(folder == null ? new String[0] : new String[] {folder.toString()}, dashboard);
    }

    /** Opens the dashboard, explaining on stderr when no window can be opened. */
    public static int openDashboard(String[] args, java.util.function.Function<String[], Integer> dashboard) {
        try {
            return dashboard.apply(args);
        } catch (IllegalStateException e) {
            System.err.println("procdeck: cannot open the dashboard: " + e.getMessage());
            System.err.println("On a machine without a display, use the headless commands: procdeck start, run, check,"
                    + " and ps, logs, scale, restart to drive a running one (see procdeck --help).");
            return 1;
        }
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String[] args, java.util.function.Function<String[], Integer> dashboard) {
        CommandLine cl = commandLine(dashboard, args.length == 0 ? null : args[0]);
        // One writer for help and version texts of every subcommand, checked at the end: picocli's writers, like
        // System.out, swallow a failed write, and `procdeck --help > /dev/full` must not report success.
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true);
        cl.setOut(out);
        int code = cl.execute(args);
        out.flush();
        if (out.checkError() | System.out.checkError()) {
            System.err.println("procdeck: cannot write to standard output");
            return code == 0 ? 1 : code;
        }
        return code;
    }

    /** The configured command line, for {@link #execute} and for what is generated from it (completion, man page). */
    static CommandLine commandLine(java.util.function.Function<String[], Integer> dashboard) {
        return commandLine(dashboard, null);
    }

    /**
     * The command line with every subcommand, or with only {@code first} when it names one that needs no other.
     * Building picocli's model costs ~10 ms of a short-lived JVM per subcommand (picocli's Java 5 classes cannot
     * be in the class-data-sharing archive), which {@code procdeck ps} should not pay fifteen times over.
     */
    static CommandLine commandLine(java.util.function.Function<String[], Integer> dashboard, String first) {
        CommandLine cl = new CommandLine(new ProcdeckCommand(dashboard));
        List<Class<?>> chosen = SUBCOMMANDS.stream().filter(c -> first != null && !NEED_ALL.contains(first)
                && names(c).contains(first)).toList();
        for (Class<?> c : chosen.isEmpty() ? SUBCOMMANDS : chosen) {
            cl.addSubcommand(c.getAnnotation(Command.class).name(), c == CommandLine.HelpCommand.class
                    ? new CommandLine.HelpCommand() : newInstance(c));
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // picocli would replace an argument "@name" with the content of the file "name" (and did so inside
        // a one-off's own arguments); Foreman has no such feature and nobody here relies on it.
        cl.setExpandAtFiles(false);
        // `run` is a drop-in for `foreman run`: procdeck's options end at COMMAND, and every later word, options
        // included (`run ls -d /tmp`, `run sh -c 'exit 7'`), is the command's.
        if (cl.getSubcommands().containsKey("run")) {
            cl.getSubcommands().get("run").setStopAtPositional(true);
        }
        // picocli quotes the offending argument in its message (`'\e[2J' is not a double`); a value that came
        // from a script or a project file must not act on the terminal, as with our own messages.
        cl.setParameterExceptionHandler((ex, badArgs) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println(dev.procdeck.procfile.Visible.escape(ex.getMessage()));
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
                cmd.usage(err, cmd.getColorScheme());
            }
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cl;
    }
}
