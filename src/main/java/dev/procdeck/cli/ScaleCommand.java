package dev.procdeck.cli;

import dev.procdeck.runtime.ControlClient;
import dev.procdeck.runtime.ControlMessages;
import dev.procdeck.supervisor.Formation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code procdeck scale web=3 worker=0}: changes the running formation, like {@code heroku ps:scale}. */
@Command(name = "scale", aliases = "ps:scale", mixinStandardHelpOptions = true,
        description = {"Changes how many instances of each type the running procdeck runs.",
            "Example: procdeck scale web=3 worker=0"})
final class ScaleCommand extends ControlCommand {
    @Parameters(arity = "1..*", paramLabel = "TYPE=COUNT", description = "the new count of a process type")
    List<String> entries = new ArrayList<>();

    private final Map<String, Long> counts = new LinkedHashMap<>();

    @Override
    void validate() {
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("'" + entry + "' is not TYPE=COUNT; write e.g. web=3");
            }
            String type = entry.substring(0, eq);
            long n;
            try {
                n = Long.parseLong(entry.substring(eq + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the count in '" + entry + "' is not a whole number");
            }
            if (n < 0 || n > Formation.MAX_SCALE) {
                throw new IllegalArgumentException("the count in '" + entry + "' must be from 0 to " + Formation.MAX_SCALE);
            }
            if (counts.put(type, n) != null) {
                throw new IllegalArgumentException("'" + type + "' is named more than once");
            }
        }
    }

    @Override
    int run(ControlClient.Target target) throws IOException {
        Map<String, Long> formation = new LinkedHashMap<>();
        counts.forEach((type, n) -> formation.put(type, n.longValue()));
        Map<String, Object> answer = call(target, new ControlMessages.Scale(formation));
        Map<?, ?> now = answer.get("formation") instanceof Map<?, ?> f ? f : Map.of();
        for (String type : counts.keySet()) {
            out.println("Scaling " + type + " processes... done, now running " + now.get(type));
        }
        return 0;
    }
}
