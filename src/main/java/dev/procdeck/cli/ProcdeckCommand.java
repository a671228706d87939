package dev.procdeck.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The top-level command: subcommands for headless use; a folder (or nothing) opens the dashboard. */
@Command(name = "procdeck", mixinStandardHelpOptions = true, version = "procdeck 0.1.0",
        description = {"Runs the processes of a Procfile: a desktop dashboard, or headless like Foreman.",
            "", "With no command (or a FOLDER) it opens the dashboard."},
        subcommands = {StartCommand.class, RunCommand.class, CheckCommand.class, CommandLine.HelpCommand.class})
public final class ProcdeckCommand implements Callable<Integer> {

    /** Opens the dashboard; supplied by the launcher so that this package does not depend on the UI. */
    private final java.util.function.Function<String[], Integer> dashboard;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FOLDER", description = "project folder to open in the dashboard")
    Path folder;

    public ProcdeckCommand(java.util.function.Function<String[], Integer> dashboard) {
        this.dashboard = dashboard;
    }

    @Override
    public Integer call() {
        if (folder != null && !Files.exists(folder)) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("procdeck: '" + dev.procdeck.procfile.Visible.escape(folder.toString())
                    + "' is neither a command nor an existing folder.");
            err.println("Commands: start, run, check, help. Try 'procdeck --help'.");
            return 2;
        }
        return dashboard.apply(folder == null ? new String[0] : new String[] {folder.toString()});
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String[] args, java.util.function.Function<String[], Integer> dashboard) {
        CommandLine cl = new CommandLine(new ProcdeckCommand(dashboard));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // picocli would replace an argument "@name" with the content of the file "name" (and did so inside
        // a one-off's own arguments); Foreman has no such feature and nobody here relies on it.
        cl.setExpandAtFiles(false);
        // `run` is a drop-in for `foreman run`: procdeck's options end at COMMAND, and every later word, options
        // included (`run ls -d /tmp`, `run sh -c 'exit 7'`), is the command's.
        cl.getSubcommands().get("run").setStopAtPositional(true);
        return cl.execute(args);
    }
}
