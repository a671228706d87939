package dev.procdeck;

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
        boolean dashboard = args.length == 0 || (args.length == 1 && Files.isDirectory(Path.of(args[0])))
                || (args.length == 1 && Files.isRegularFile(Path.of(args[0])) && !args[0].startsWith("-"));
        if (dashboard) {
            System.exit(ProcdeckCommand.openDashboard(args, Main::openDashboard));
        }
        System.exit(ProcdeckCommand.execute(args, Main::openDashboard));
    }

    private static int openDashboard(String[] args) {
        return dev.procdeck.ui.DashboardApp.open(args);
    }
}
