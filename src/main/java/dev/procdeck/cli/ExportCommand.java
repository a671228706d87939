package dev.procdeck.cli;

import dev.procdeck.export.ExportFormat;
import dev.procdeck.export.ExportOptions;
import dev.procdeck.export.ExportResult;
import dev.procdeck.export.ExportWriter;
import dev.procdeck.export.Exporter;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectFileException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Writes the formation as another process manager's configuration, like {@code foreman export}. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes the formation as configuration for another process manager, with the ports, .env and"
                + " procdeck.yml settings that start would use.",
            "FORMAT: systemd, launchd, supervisord or kubernetes. Secrets (names containing KEY, SECRET, TOKEN or"
                + " PASSWORD) are written only into a Kubernetes Secret; systemd units read the .env itself."})
public final class ExportCommand implements Callable<Integer> {
    @Mixin
    ProjectOptions project;

    @Parameters(index = "0", paramLabel = "FORMAT", description = "systemd, launchd, supervisord or kubernetes",
            completionCandidates = Formats.class)
    String format;

    /** What FORMAT completes to at a TAB (the parameter stays a String so a typo gets procdeck's own message). */
    static final class Formats implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(ExportFormat.values()).map(ExportFormat::spelling).iterator();
        }
    }

    @Parameters(index = "1", paramLabel = "OUTDIR", description = "folder to write into (created if missing)")
    Path outDir;

    @Option(names = {"-a", "--app"}, paramLabel = "APP",
            description = "prefix of every unit, program and object (default: the project folder's name)")
    String app;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "user the processes run as")
    String user;

    @Option(names = {"-m", "--formation"}, paramLabel = "FORMATION",
            description = "instances per type, e.g. all=1,web=2 (default: procdeck.yml's formation, else one of each)")
    String formation;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "base port (default: PORT from .env or the environment, else 5000)")
    Integer port;

    @Option(names = "--image", paramLabel = "IMAGE", description = "container image of the app (kubernetes; required there)")
    String image;

    @Option(names = {"-l", "--log"}, paramLabel = "DIR", description = "log folder for launchd and supervisord"
            + " (default: /var/log/APP)")
    Path logDir;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "5",
            description = "seconds between the stop signal and SIGKILL for types without their own (default: ${DEFAULT-VALUE})")
    double timeout;

    @Option(names = "--not-secret", paramLabel = "NAME", split = ",",
            description = "a variable whose value looks like a secret but is not (repeatable, or NAME,NAME)")
    java.util.Set<String> notSecret = new java.util.LinkedHashSet<>();

    @Option(names = "--force", description = "write into OUTDIR even if it holds files (same names are replaced)")
    boolean force;

    @Override
    public Integer call() {
        ExportResult result;
        try {
            ExportFormat f = ExportFormat.parse(format);
            Project p = project.load(System.getenv());
            Problems.print(System.err, p.procfile().warnings());
            Problems.print(System.err, p.config().warnings());
            ExportOptions options = new ExportOptions(app, user, formation, port, image, logDir,
                    OptionChecks.stopTimeout(timeout), null, System.getenv(), null, notSecret, null);
            result = Exporter.export(f, p, options);
        } catch (ProjectFileException e) {
            Problems.print(System.err, e.problems());
            return 1;
        } catch (IllegalArgumentException e) {
            Problems.printError(System.err, e.getMessage());
            return 2;
        }
        List<Path> written;
        try {
            written = ExportWriter.write(outDir, result.files(), force);
        } catch (IOException e) {
            Problems.printError(System.err, e instanceof ExportWriter.ExportWriteException ? e.getMessage()
                    : "cannot write the export: " + e);
            return 1;
        }
        for (Path path : written) {
            System.out.println("wrote " + dev.procdeck.procfile.Visible.escape(path.toString()));
        }
        for (String warning : result.warnings()) {
            Problems.printError(System.err, "warning: " + warning);
        }
        for (String note : result.notes()) {
            System.out.println();
            System.out.print(note.endsWith("\n") ? note : note + "\n");
        }
        if (System.out.checkError()) {
            System.err.println("procdeck: cannot write to standard output");
            return 1;
        }
        return 0;
    }
}
