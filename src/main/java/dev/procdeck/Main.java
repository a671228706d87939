package dev.procdeck;

import dev.procdeck.cli.OutOfMemoryExit;
import dev.procdeck.cli.ProcdeckCommand;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry point of the jar. Not a JavaFX Application on purpose: a fat jar whose main class extends
 * Application refuses to start without JavaFX on the module path. Headless commands never load JavaFX.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        OutOfMemoryExit.install();
        if (args.length == 1 && args[0].equals("--cds-training")) {
            System.exit(train());
        }
        if (opensDashboard(args)) {
            System.exit(ProcdeckCommand.openDashboard(args, Main::openDashboard));
        }
        System.exit(ProcdeckCommand.execute(args, Main::openDashboard));
    }

    /**
     * No arguments, or one naming a folder or file, opens the dashboard, except a command's name: in a project
     * holding a {@code start} script or a {@code check} folder, {@code procdeck start} still starts
     * ({@code procdeck ./start} opens that one).
     */
    static boolean opensDashboard(String[] args) {
        if (args.length == 0) {
            return true;
        }
        if (args.length != 1 || args[0].startsWith("-") || COMMANDS.contains(args[0])) {
            return false;
        }
        return Files.isDirectory(Path.of(args[0])) || Files.isRegularFile(Path.of(args[0]));
    }

    private static final java.util.Set<String> COMMANDS = java.util.Set.of("start", "run", "check", "export", "help",
            "completion", "complete-names", "man-page",
            "ps", "scale", "restart", "stop", "logs", "connect", "attach", "ps:start", "ps:stop", "ps:restart", "ps:scale");

    /**
     * A short headless run that touches what every command loads (picocli, parsers, supervisor, output,
     * session, JNA), for bin/procdeck to record a class-data-sharing archive of. Not a user command.
     */
    private static int train() {
        try {
            Path dir = Files.createTempDirectory("procdeck-cds");
            Files.writeString(dir.resolve("Procfile"), "train: echo trained\nshell: echo $PORT >&2\n");
            Files.writeString(dir.resolve(".env"), "GREETING=\"hello ${USER:-you}\"\n");
            ProcdeckCommand.execute(new String[] {"check", "-d", dir.toString()}, a -> 0);
            int code = ProcdeckCommand.execute(new String[] {"start", "-d", dir.toString(), "--restart", "never"}, a -> 0);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
            return code;
        } catch (java.io.IOException e) {
            return 1;
        }
    }

    private static int openDashboard(String[] args) {
        return dev.procdeck.ui.DashboardApp.open(args);
    }
}
