package dev.procdeck.cli;

import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectFileException;
import dev.procdeck.supervisor.InstanceEnvironment;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * A one-off process with the app's environment, like {@code heroku run}: attached to the terminal, its exit
 * code passed through. Arguments are joined with spaces and run by the shell, so {@code $PORT} expands.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a one-off command with the app's environment (DYNO=run.1, a free PORT).",
            "If COMMAND is a process type, its Procfile command runs with ARGS appended."})
public final class RunCommand implements Callable<Integer> {
    @Mixin
    ProjectOptions project;

    @Parameters(arity = "1..*", paramLabel = "COMMAND [ARGS...]", description = "command line or process type")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Project p;
        try {
            p = project.load(System.getenv());
        } catch (ProjectFileException e) {
            Problems.print(System.err, e.problems());
            return 1;
        }
        String commandLine = commandLine(p, command);
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", commandLine)
                .directory(p.root().toFile())
                .inheritIO();
        builder.environment().clear();
        builder.environment().putAll(InstanceEnvironment.build(System.getenv(), p.dotEnv(), "run.1", port));
        // Ctrl-C reaches the child through the terminal; procdeck must outlive it to pass on its exit code.
        Signals.ignore("INT");
        Signals.ignore("QUIT");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            System.err.println("procdeck: cannot run '" + commandLine + "': " + e.getMessage());
            return 127;
        }
        return process.waitFor();
    }

    static String commandLine(Project project, List<String> words) {
        Optional<ProcessType> type = project.procfile().type(words.get(0));
        List<String> rest = words.subList(1, words.size());
        String base = type.map(ProcessType::command).orElse(words.get(0));
        return rest.isEmpty() ? base : base + " " + String.join(" ", rest);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
