package dev.procdeck.cli;

import dev.procdeck.procfile.Visible;
import dev.procdeck.runtime.ControlClient;
import dev.procdeck.runtime.ControlMessages;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** restart, stop and start of the running app, one type or one instance, like {@code heroku ps:restart}. */
abstract class InstanceCommand extends ControlCommand {
    @Parameters(arity = "0..1", paramLabel = "TYPE|INSTANCE", description = "a process type (web) or an instance"
            + " (web.2); default: everything")
    String target;

    abstract String op();

    abstract String verb();

    @Override
    int run(ControlClient.Target where) throws IOException {
        Map<String, Object> answer = call(where, ControlMessages.lifecycle(op(), target));
        List<?> targets = answer.get("targets") instanceof List<?> l ? l : List.of();
        String what = target == null ? "all processes" : target.contains(".") ? Visible.escape(target)
                : Visible.escape(target) + " processes";
        out.println(verb() + " " + what + "... done" + (targets.isEmpty() ? " (nothing to " + op() + ")" : ""));
        return 0;
    }

    @Command(name = "restart", aliases = "ps:restart", mixinStandardHelpOptions = true,
            description = "Restarts instances of the running procdeck (all, a type, or one instance).")
    static final class Restart extends InstanceCommand {
        @Override
        String op() {
            return "restart";
        }

        @Override
        String verb() {
            return "Restarting";
        }
    }

    @Command(name = "stop", aliases = "ps:stop", mixinStandardHelpOptions = true,
            description = {"Stops instances of the running procdeck (all, a type, or one instance).",
                "procdeck keeps running, and ps:start starts them again."})
    static final class Stop extends InstanceCommand {
        @Override
        String op() {
            return "stop";
        }

        @Override
        String verb() {
            return "Stopping";
        }
    }

    @Command(name = "ps:start", mixinStandardHelpOptions = true,
            description = {"Starts stopped (or crashed) instances of the running procdeck again.",
                "(procdeck start runs an app; ps:start acts on one that runs.)"})
    static final class Start extends InstanceCommand {
        @Override
        String op() {
            return "start";
        }

        @Override
        String verb() {
            return "Starting";
        }
    }
}
