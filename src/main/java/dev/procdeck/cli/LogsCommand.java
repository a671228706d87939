package dev.procdeck.cli;

import dev.procdeck.logs.LogBatch;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import dev.procdeck.logs.UserRegex;
import dev.procdeck.runtime.ControlClient;
import dev.procdeck.runtime.ControlMessages;
import dev.procdeck.supervisor.InstanceId;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code procdeck logs -f}: the running app's output, recent lines then live ones, like {@code heroku logs --tail}. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Prints the recent output of the running procdeck, in the format procdeck start prints.",
            "With -f it keeps printing new lines until Ctrl-C."})
final class LogsCommand extends ControlCommand {
    private static final Pattern SINCE = Pattern.compile("(\\d+)([smhd])");

    @Option(names = {"-f", "--tail", "--follow"}, description = "keep printing new lines as they come")
    boolean follow;

    @Option(names = {"-n", "--num"}, paramLabel = "N", defaultValue = "100",
            description = "how many recent lines to print first (default: ${DEFAULT-VALUE}, at most 10000)")
    int lines;

    @Option(names = "--type", paramLabel = "TYPE", description = "only lines of this process type")
    String type;

    @Option(names = {"--instance", "--dyno"}, paramLabel = "INSTANCE", description = "only lines of this instance (web.1)")
    String instance;

    @Option(names = "--grep", paramLabel = "REGEX", description = "only lines matching this regular expression")
    String grep;

    @Option(names = "--since", paramLabel = "AGE", description = "only lines of the last AGE: 30s, 10m, 2h, 1d, 1h30m")
    String since;

    @Option(names = "--color", negatable = true,
            description = "colour the output (default: when stdout is a terminal)")
    Boolean colour;

    @Option(names = "--no-timestamp", description = "omit the time at the start of each line")
    boolean noTimestamp;

    private Instant sinceTime;

    @Override
    void validate() {
        if (lines < 0 || lines > 10_000) {
            throw new IllegalArgumentException("-n must be from 0 to 10000");
        }
        if (type != null && instance != null) {
            throw new IllegalArgumentException("give either --type or --instance, not both");
        }
        if (instance != null) {
            InstanceId.parse(instance);
        }
        if (grep != null) {
            try {
                UserRegex.compile(grep, true); // the engine the server greps with
            } catch (UserRegex.InvalidRegexException e) {
                throw new IllegalArgumentException("invalid --grep pattern: " + e.getMessage());
            }
        }
        if (since != null) {
            sinceTime = Instant.now().minus(age(since));
        }
    }

    /** {@code 10m}, {@code 1h30m}, {@code 45s}, {@code 2d}. */
    static Duration age(String text) {
        Matcher m = SINCE.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException("--since '" + text + "' is not an age; write e.g. 30s, 10m, 2h, 1d or 1h30m");
        }
        return total;
    }

    @Override
    int run(ControlClient.Target target) throws IOException {
        ControlMessages.Logs request = new ControlMessages.Logs((long) lines, follow, type, instance, grep,
                sinceTime == null ? null : sinceTime.toEpochMilli());
        try (ControlClient client = ControlClient.connect(target.socket())) {
            Map<String, Object> header = client.call(request);
            Map<String, Integer> typeIndex = new HashMap<>();
            if (header.get("types") instanceof List<?> types) {
                for (int i = 0; i < types.size(); i++) {
                    typeIndex.put(String.valueOf(types.get(i)), i);
                }
            }
            int width = 0;
            if (header.get("instances") instanceof List<?> names) {
                for (Object name : names) {
                    width = Math.max(width, String.valueOf(name).length());
                }
            }
            boolean useColour = colour != null ? colour
                    : System.console() != null && System.getenv("NO_COLOR") == null;
            ConsolePrinter printer = new ConsolePrinter(new FileOutputStream(FileDescriptor.out), useColour,
                    !noTimestamp, ZoneId.systemDefault(), typeIndex, width);
            AtomicBoolean readerGone = new AtomicBoolean();
            // `procdeck logs -f | head`: once the reader leaves, so do we.
            printer.setOnBrokenOutput(() -> {
                readerGone.set(true);
                client.close();
            });
            try {
                return stream(client, printer, readerGone);
            } finally {
                printer.close(Duration.ofSeconds(2));
            }
        }
    }

    private int stream(ControlClient client, ConsolePrinter printer, AtomicBoolean readerGone) throws IOException {
        long sequence = 1;
        while (true) {
            Map<String, Object> m;
            try {
                m = client.next(null);
            } catch (IOException e) {
                if (readerGone.get()) {
                    return 0;
                }
                throw e;
            }
            if (m == null) {
                if (follow) {
                    err.println("procdeck: the connection closed (procdeck stopped)");
                }
                return 0;
            }
            List<?> frame = dev.procdeck.runtime.LogWire.entries(m);
            if (frame != null) {
                for (Object entry : frame) {
                    if (entry instanceof Map<?, ?> l) {
                        printer.onBatch(dev.procdeck.runtime.LogWire.read(l, sequence++));
                    }
                }
            } else if (m.get("error") != null) {
                error(String.valueOf(m.get("error")));
                return 1;
            } else if (Boolean.TRUE.equals(m.get("end"))) {
                if (m.get("reason") != null) {
                    err.println("procdeck: " + dev.procdeck.procfile.Visible.escape(String.valueOf(m.get("reason"))));
                }
                return 0;
            }
        }
    }
}
