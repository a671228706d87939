package dev.procdeck.supervisor;

import java.nio.file.Path;
import java.util.Map;

/**
 * What to launch: a shell command line, the folder it runs in, its complete environment and whether it runs in a
 * pseudo-terminal ({@code tty: true} in procdeck.yml) instead of with pipes and /dev/null as stdin.
 */
public record LaunchSpec(String name, String command, Path workingDirectory, Map<String, String> environment,
                         boolean tty) {

    /** A launch with pipes, no terminal. */
    public LaunchSpec(String name, String command, Path workingDirectory, Map<String, String> environment) {
        this(name, command, workingDirectory, environment, false);
    }
}
