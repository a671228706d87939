package dev.procdeck.supervisor;

import java.nio.file.Path;
import java.util.Map;

/** What to launch: a shell command line, the folder it runs in and its complete environment. */
public record LaunchSpec(String name, String command, Path workingDirectory, Map<String, String> environment) {
}
