package dev.procdeck.procfile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything read from a project folder: the Procfile, the merged .env values (later files win), the
 * folder the processes run in and procdeck.yml's settings.
 */
public record Project(Path root, Path procfilePath, Procfile procfile, Map<String, String> dotEnv,
                      List<Path> envFiles, ProjectConfig config) {

    public Project {
        dotEnv = Map.copyOf(dotEnv);
        envFiles = List.copyOf(envFiles);
        if (config == null) {
            config = ProjectConfig.NONE;
        }
    }

    /** A project without procdeck.yml. */
    public Project(Path root, Path procfilePath, Procfile procfile, Map<String, String> dotEnv, List<Path> envFiles) {
        this(root, procfilePath, procfile, dotEnv, envFiles, ProjectConfig.NONE);
    }

    public String displayName() {
        Path name = root.getFileName();
        return name == null ? root.toString() : name.toString();
    }
}
