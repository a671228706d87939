package dev.procdeck.cli;

import dev.procdeck.runtime.ControlClient;
import dev.procdeck.runtime.ControlMessages;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A command that drives a running procdeck through its control socket: finds it, runs, and turns every
 * failure into one clear message on stderr and exit code 1.
 */
abstract class ControlCommand implements Callable<Integer> {
    @Mixin
    RunningAppOptions where;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public final Integer call() {
        try {
            validate();
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
            return 2;
        }
        try {
            ControlClient.Target target = where.socket != null ? ControlClient.at(where.socket)
                    : ControlClient.locate(Path.of("").toAbsolutePath(), where.root, where.app, System.getenv());
            return run(target);
        } catch (ControlClient.RefusedException | ControlClient.NotRunningException e) {
            error(e.getMessage());
            return 1;
        } catch (IOException e) {
            error("lost the connection to procdeck: " + e.getMessage());
            return 1;
        }
    }

    /** Checks the arguments before anything is contacted; an IllegalArgumentException means exit code 2. */
    void validate() {
    }

    abstract int run(ControlClient.Target target) throws IOException;

    /** One request, one answer, on a connection of its own. */
    static Map<String, Object> call(ControlClient.Target target, ControlMessages.Request request) throws IOException {
        try (ControlClient client = ControlClient.connect(target.socket())) {
            return client.call(request);
        }
    }

    void error(String message) {
        for (String line : message.split("\n")) {
            Problems.printError(err, line);
        }
    }

    static long number(Object o, long fallback) {
        return o instanceof Number n ? n.longValue() : fallback;
    }
}
