package dev.procdeck.cli;

import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectFileException;
import dev.procdeck.procfile.ProjectLoader;
import dev.procdeck.supervisor.Formation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command shares to find the project: Foreman's -f, -d and -e. */
public final class ProjectOptions {
    @Option(names = {"-f", "--procfile"}, paramLabel = "FILE", description = "Procfile to read, or a folder holding one (default: ROOT/Procfile)")
    Path procfile;

    @Option(names = {"-d", "--root"}, paramLabel = "DIR",
            description = "folder the processes run in (default: the Procfile's folder)")
    Path root;

    @Option(names = {"-e", "--env"}, paramLabel = "FILE", split = ",",
            description = "env files, comma-separated, later ones win (default: ROOT/.env if present)")
    List<Path> envFiles = new ArrayList<>();

    Project load(Map<String, String> parentEnv) throws ProjectFileException {
        return ProjectLoader.load(root, procfile, envFiles, parentEnv);
    }

    /**
     * The formation when no -m (or TYPE) is given: procdeck.yml's {@code formation:} over one of each type, so
     * a type it does not name runs once, as without the file.
     */
    static Formation defaultFormation(Project p) {
        StringBuilder spec = new StringBuilder("all=1");
        for (ProcessType t : p.procfile().types()) {
            Integer count = p.config().formation().get(t.name());
            if (count != null) {
                spec.append(',').append(t.name()).append('=').append(count);
            }
        }
        return Formation.parse(spec.toString());
    }

    /** For {@code run}: a folder with a .env and no Procfile is fine (see ProjectLoader). */
    Project loadProcfileOptional(Map<String, String> parentEnv) throws ProjectFileException {
        return ProjectLoader.load(root, procfile, envFiles, parentEnv, false);
    }
}
