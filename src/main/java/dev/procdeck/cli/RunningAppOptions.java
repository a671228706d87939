package dev.procdeck.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How the commands that drive a running procdeck find it: the project around the working folder by default. */
public final class RunningAppOptions {
    @Option(names = {"-d", "--root"}, paramLabel = "DIR",
            description = "the project folder of the running procdeck (default: the nearest one around the working"
                    + " folder that runs)")
    Path root;

    @Option(names = "--app", paramLabel = "NAME",
            description = "the project (by folder name) when several run around here, or to reach one elsewhere")
    String app;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "talk to the procdeck on this control socket (e.g. one forwarded with ssh -L)")
    Path socket;
}
