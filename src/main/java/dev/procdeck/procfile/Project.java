package dev.procdeck.procfile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything read from a project folder: the Procfile, the merged .env values (later files win) and the
 * folder the processes run in.
 */
public record Project(Path root, Path procfilePath, Procfile procfile, Map<String, String> dotEnv,
                      List<Path> envFiles) {

    public Project {
        dotEnv = Map.copyOf(dotEnv);
        envFiles = List.copyOf(envFiles);
    }

    public String displayName() {
        Path name = root.getFileName();
        return name == null ? root.toString() : name.toString();
    }
}
