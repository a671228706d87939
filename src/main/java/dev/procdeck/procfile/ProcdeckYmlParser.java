package dev.procdeck.procfile;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Parses procdeck.yml (see README) from a String into a {@link ProjectConfig}. SnakeYAML only composes the
 * node tree (no object is ever constructed from the file, no custom tag means anything), so every value is
 * checked here with its line and column. All problems are collected; unknown keys are warnings, anything that
 * would make procdeck do something else than written is an error.
 */
public final class ProcdeckYmlParser {
    /** Counts above this are slips; the same bound as {@code -m} (Formation.MAX_SCALE). */
    static final int MAX_SCALE = 100;
    static final int MAX_RESTARTS = 1_000_000;
    /** A stop or readiness wait beyond an hour is a slip, as for {@code -t}. */
    static final Duration MAX_WAIT = Duration.ofHours(1);

    /*
     * Hostile-file limits. A real procdeck.yml is a few hundred bytes, four levels deep, with an anchor or two.
     * The alias limit is what stops a "billion laughs" file; the nesting limit stops a stack overflow in the
     * parser; the code point limit bounds the work on a file the loader already bounded by bytes.
     */
    static final int MAX_ALIASES = 50;
    static final int MAX_NESTING = 30;
    static final int MAX_CODE_POINTS = 4 * 1024 * 1024;

    private static final List<String> TOP_KEYS = List.of("formation", "types", "router");
    private static final List<String> TYPE_KEYS = List.of("restart", "max_restarts", "stop_signal", "stop_timeout",
            "ready", "depends_on", "env", "tty", "schedule", "overlap", "memory", "liveness");
    private static final List<String> READY_KEYS = List.of("http", "port", "log", "timeout");
    private static final List<String> LIVENESS_KEYS = List.of("http", "port", "exec", "period", "failures", "timeout",
            "initial_delay");
    /** {@code 512M}, {@code 1.5G}, {@code 512Mi}, {@code 512MB}: binary units, as Heroku, PM2 and systemd read them. */
    private static final Pattern MEMORY = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,6})?)\\s*([kmgt])(?:i?b?)");
    /** A quota below this is a slip (a JVM or a Ruby alone needs more); above, no machine has it. */
    static final long MIN_MEMORY = 4L << 20;
    static final long MAX_MEMORY = 1L << 40;
    static final int MAX_LIVENESS_FAILURES = 100;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)\\s*(ms|s|m|h)?");
    private static final Pattern WHOLE = Pattern.compile("[+-]?\\d{1,12}");

    private final String file;
    private final Map<String, ProcessType> procfileTypes = new LinkedHashMap<>();
    private final List<ParseProblem> problems = new ArrayList<>();
    /** Where each type's depends_on entries and schedule are, for the checks across types. */
    private final Map<String, Map<String, Node>> dependencyNodes = new LinkedHashMap<>();
    private final Map<String, Node> dependsOnNode = new HashMap<>();

    private ProcdeckYmlParser(String file, List<ProcessType> procfileTypes) {
        this.file = file;
        for (ProcessType t : procfileTypes) {
            this.procfileTypes.put(t.name(), t);
        }
    }

    /**
     * @param fileName      the file name to use in messages
     * @param text          the whole file content
     * @param procfileTypes the types of the Procfile beside it: procdeck.yml may configure only those
     * @throws ProjectFileException with every problem (warnings included) when any is an error
     */
    public static ProjectConfig parse(String fileName, String text, List<ProcessType> procfileTypes)
            throws ProjectFileException {
        ProcdeckYmlParser parser = new ProcdeckYmlParser(fileName, procfileTypes);
        ProjectConfig config = parser.parseAll(TextLines.stripBom(text));
        parser.problems.sort(Comparator.comparingInt(ParseProblem::line).thenComparingInt(ParseProblem::column));
        if (parser.problems.stream().anyMatch(ParseProblem::isError)) {
            throw new ProjectFileException(parser.problems);
        }
        return ProjectConfig.of(config.formation(), config.types(), parser.problems).withRouter(config.router());
    }

    private ProjectConfig parseAll(String text) {
        Node root = compose(text);
        if (root == null || isNull(root)) {
            return ProjectConfig.NONE; // empty or only comments: as without the file
        }
        MappingNode top = mapping(root, "procdeck.yml", "a mapping with keys such as formation: and types:");
        if (top == null) {
            return ProjectConfig.NONE;
        }
        Node formationNode = null;
        Node routerNode = null;
        Map<String, TypeConfig> types = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : keys(top).entrySet()) {
            Node value = e.getValue().getValueNode();
            switch (e.getKey()) {
                case "formation" -> formationNode = value;
                case "router" -> routerNode = value;
                case "types" -> types = types(value);
                default -> unknownKey(e.getValue().getKeyNode(), e.getKey(), TOP_KEYS, "at the top level");
            }
        }
        checkDependencies(types);
        Map<String, Integer> formation = formationNode == null ? Map.of() : formation(formationNode, types);
        RouterConfig router = routerNode == null ? RouterConfig.DEFAULTS : router(routerNode, types);
        return ProjectConfig.of(formation, types, List.of()).withRouter(router);
    }

    private static final List<String> ROUTER_KEYS = List.of("type", "timeout", "drain_timeout");

    /**
     * {@code router: off}, {@code router: api} (the type to route to), or a mapping
     * {@code {type: api, timeout: 30s, drain_timeout: 30s}}.
     */
    private RouterConfig router(Node node, Map<String, TypeConfig> types) {
        RouterConfig router = RouterConfig.DEFAULTS;
        if (node instanceof ScalarNode) {
            String text = scalar(node, "router");
            if (text == null) {
                return router;
            }
            String value = text.strip();
            if (List.of("off", "false", "no", "none").contains(value.toLowerCase(Locale.ROOT))) {
                return router.withOff(true);
            }
            return routedType(node, value, types) ? router.withType(value) : router;
        }
        MappingNode map = mapping(node, "router", "off, a process type, or a mapping such as {type: web, timeout: 30s}");
        if (map == null) {
            return router;
        }
        for (Map.Entry<String, NodeTuple> e : keys(map).entrySet()) {
            Node value = e.getValue().getValueNode();
            switch (e.getKey()) {
                case "type" -> {
                    String text = scalar(value, "router type");
                    if (text != null && routedType(value, text.strip(), types)) {
                        router = router.withType(text.strip());
                    }
                }
                case "timeout" -> {
                    Duration d = duration(value, "router timeout", Duration.ofMillis(1));
                    if (d != null) {
                        router = router.withRequestTimeout(d);
                    }
                }
                case "drain_timeout" -> {
                    Duration d = duration(value, "router drain_timeout", Duration.ZERO);
                    if (d != null) {
                        router = router.withDrainTimeout(d);
                    }
                }
                default -> unknownKey(e.getValue().getKeyNode(), e.getKey(), ROUTER_KEYS, "under router");
            }
        }
        return router;
    }

    private boolean routedType(Node node, String name, Map<String, TypeConfig> types) {
        if (!procfileTypes.containsKey(name)) {
            error(node, "router names '" + name + "', which is not in the Procfile" + suggestion(name, procfileTypes.keySet())
                    + "; name the type that serves HTTP, or write router: off");
            return false;
        }
        TypeConfig config = types.get(name);
        if (config != null && config.isScheduled()) {
            error(node, "router names '" + name + "', a scheduled type; the router serves a type of the formation");
            return false;
        }
        return true;
    }

    /** The node tree, or null (with the problem recorded) when the text is not YAML we accept. */
    private Node compose(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        options.setMergeOnCompose(true); // "<<: *defaults" shares settings between types
        options.setTagInspector(tag -> false); // the default already; said here because it matters
        try {
            return new Composer(new ParserImpl(new StreamReader(text), options), new Resolver(), options)
                    .getSingleNode();
        } catch (MarkedYAMLException e) {
            problems.add(syntaxError(e));
        } catch (ReaderException e) {
            int[] where = lineAndColumn(text, e.getPosition());
            problems.add(ParseProblem.error(file, where[0], where[1], String.format(
                    "character U+%04X is not allowed in YAML; remove it", e.getCodePoint())));
        } catch (YAMLException e) {
            // The hostile-file limits (aliases, nesting, size) carry no position.
            problems.add(ParseProblem.error(file, 0, "cannot be read: " + e.getMessage()
                    + "; procdeck.yml allows at most " + MAX_ALIASES + " aliases and " + MAX_NESTING + " levels"));
        }
        return null;
    }

    private ParseProblem syntaxError(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String problem = e.getProblem() == null ? "" : e.getProblem();
        String message;
        if (problem.contains("found another document")) {
            message = "holds more than one YAML document; remove the '---' line (procdeck.yml is one mapping)";
        } else if (problem.startsWith("Global tag is not allowed")) {
            message = "tags such as '!!python/object' are not supported; remove the tag";
        } else {
            message = "invalid YAML: " + problem;
            if (e.getContext() != null) {
                Mark context = e.getContextMark();
                message += " (" + e.getContext()
                        + (context != null && mark != null && context.getLine() != mark.getLine()
                        ? " started on line " + (context.getLine() + 1) : "") + ")";
            }
        }
        return mark == null ? ParseProblem.error(file, 0, message)
                : ParseProblem.error(file, mark.getLine() + 1, mark.getColumn() + 1, message);
    }

    /** 1-based line and column of a code point index, as SnakeYAML counts them. */
    private static int[] lineAndColumn(String text, int codePointIndex) {
        int line = 1;
        int column = 1;
        int i = 0;
        for (int n = 0; n < codePointIndex && i < text.length(); n++) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\n' || (cp == '\r' && (i >= text.length() || text.charAt(i) != '\n'))) {
                line++;
                column = 1;
            } else if (cp != '\r') {
                column++;
            }
        }
        return new int[] {line, column};
    }

    // ---- types ----

    private Map<String, TypeConfig> types(Node node) {
        Map<String, TypeConfig> types = new LinkedHashMap<>();
        if (isNull(node)) {
            return types;
        }
        MappingNode map = mapping(node, "types", "a mapping of process type names to their settings");
        if (map == null) {
            return types;
        }
        for (Map.Entry<String, NodeTuple> e : keys(map).entrySet()) {
            String name = e.getKey();
            Node keyNode = e.getValue().getKeyNode();
            boolean known = procfileTypes.containsKey(name);
            if (!known) {
                error(keyNode, "type '" + name + "' is not in the Procfile" + suggestion(name, procfileTypes.keySet())
                        + "; the Procfile has " + listOrNone(procfileTypes.keySet()));
            }
            TypeConfig config = type(name, e.getValue().getValueNode(), keyNode.getStartMark().getLine() + 1);
            if (known && config != null) {
                types.put(name, config);
            } else {
                dependencyNodes.remove(name);
            }
        }
        return types;
    }

    private TypeConfig type(String name, Node node, int line) {
        if (isNull(node)) {
            return new TypeConfig(null, null, null, null, null, List.of(), Map.of(), false, null, Overlap.SKIP, null, null, line);
        }
        MappingNode map = mapping(node, name, "a mapping of settings such as restart: and ready:");
        if (map == null) {
            return null;
        }
        RestartMode restart = null;
        Integer maxRestarts = null;
        String stopSignal = null;
        Duration stopTimeout = null;
        Readiness ready = null;
        Map<String, Node> dependsOn = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        boolean tty = false;
        Schedule schedule = null;
        Overlap overlap = Overlap.SKIP;
        Node overlapNode = null;
        Long memory = null;
        Liveness liveness = null;
        for (Map.Entry<String, NodeTuple> e : keys(map).entrySet()) {
            Node value = e.getValue().getValueNode();
            switch (e.getKey()) {
                case "restart" -> {
                    String text = scalar(value, "restart");
                    if (text != null) {
                        try {
                            restart = RestartMode.parse(text);
                        } catch (IllegalArgumentException ex) {
                            error(value, "restart must be " + RestartMode.CHOICES + found(text));
                        }
                    }
                }
                case "max_restarts" -> maxRestarts = wholeNumber(value, "max_restarts", 0, MAX_RESTARTS);
                case "stop_signal" -> stopSignal = stopSignal(value);
                case "stop_timeout" -> stopTimeout = duration(value, "stop_timeout", Duration.ZERO);
                case "ready" -> ready = readiness(value);
                case "depends_on" -> {
                    dependsOn = dependsOn(value);
                    dependsOnNode.put(name, value);
                }
                case "env" -> env = env(value);
                case "tty" -> tty = Boolean.TRUE.equals(bool(value, "tty"));
                case "schedule" -> {
                    String text = scalar(value, "schedule");
                    if (text != null) {
                        try {
                            schedule = Schedule.parse(text);
                        } catch (IllegalArgumentException ex) {
                            error(value, ex.getMessage());
                        }
                    }
                }
                case "overlap" -> {
                    overlapNode = value;
                    String text = scalar(value, "overlap");
                    if (text != null) {
                        try {
                            overlap = Overlap.valueOf(text.toUpperCase(Locale.ROOT));
                        } catch (IllegalArgumentException ex) {
                            error(value, "overlap must be skip, queue or allow" + found(text));
                        }
                    }
                }
                case "memory" -> memory = memory(value);
                case "liveness" -> liveness = liveness(value);
                default -> unknownKey(e.getValue().getKeyNode(), e.getKey(), TYPE_KEYS, "in type '" + name + "'");
            }
        }
        if (overlapNode != null && schedule == null && !hasKey(map, "schedule")) {
            problems.add(ParseProblem.warning(file, lineOf(overlapNode), columnOf(overlapNode),
                    "overlap has no effect without schedule; type '" + name + "' is not a scheduled type"));
        }
        if (name.equals(Procfile.RELEASE) && schedule != null) {
            error(map, "'release' is the release phase: it runs once before the formation starts, never on a"
                    + " schedule; remove schedule: or rename the type");
        }
        dependencyNodes.put(name, dependsOn);
        return new TypeConfig(restart, maxRestarts, stopSignal, stopTimeout, ready, List.copyOf(dependsOn.keySet()),
                env, tty, schedule, overlap, memory, liveness, line);
    }

    /** {@code memory: 512M}: the quota of each instance's process group, in bytes. */
    private Long memory(Node node) {
        String text = scalar(node, "memory");
        if (text == null) {
            return null;
        }
        Matcher m = MEMORY.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            int shift = switch (m.group(2)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                default -> 40;
            };
            long bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift))
                    .setScale(0, RoundingMode.HALF_UP).longValue();
            if (bytes >= MIN_MEMORY && bytes <= MAX_MEMORY) {
                return bytes;
            }
        }
        error(node, "memory must be a size with a unit, such as 512M, 1G or 1.5G (binary units, as Heroku's dyno"
                + " sizes), from 4M to 1T" + found(text));
        return null;
    }

    private Liveness liveness(Node node) {
        MappingNode map = mapping(node, "liveness", "a mapping with one of http:, port: or exec: (and period:,"
                + " failures:, timeout:, initial_delay:)");
        if (map == null) {
            return null;
        }
        Liveness.Kind kind = null;
        String target = null;
        Duration period = Liveness.DEFAULT_PERIOD;
        int failures = Liveness.DEFAULT_FAILURES;
        Duration timeout = Liveness.DEFAULT_TIMEOUT;
        Duration initialDelay = null;
        List<String> checks = new ArrayList<>();
        boolean valid = true;
        for (Map.Entry<String, NodeTuple> e : keys(map).entrySet()) {
            Node value = e.getValue().getValueNode();
            switch (e.getKey()) {
                case "http" -> {
                    checks.add("http");
                    String path = scalar(value, "liveness.http");
                    if (path != null && (!path.startsWith("/") || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
                        error(value, "liveness.http must be a URL path starting with '/', such as /health" + found(path));
                        path = null;
                    }
                    valid &= path != null;
                    kind = Liveness.Kind.HTTP;
                    target = path;
                }
                case "port" -> {
                    checks.add("port");
                    Boolean on = bool(value, "liveness.port");
                    if (Boolean.FALSE.equals(on)) {
                        error(value, "liveness.port must be true; to have no liveness check, remove liveness:");
                    }
                    valid &= Boolean.TRUE.equals(on);
                    kind = Liveness.Kind.PORT;
                    target = "";
                }
                case "exec" -> {
                    checks.add("exec");
                    String command = scalar(value, "liveness.exec");
                    if (command != null && (command.isBlank() || command.indexOf('\0') >= 0)) {
                        error(value, "liveness.exec must be a shell command that exits 0 while the instance is alive,"
                                + " such as \"pg_isready\"" + found(command));
                        command = null;
                    }
                    valid &= command != null;
                    kind = Liveness.Kind.EXEC;
                    target = command;
                }
                case "period" -> {
                    Duration d = duration(value, "liveness.period", Duration.ofMillis(100));
                    valid &= d != null;
                    period = d != null ? d : period;
                }
                case "failures" -> {
                    Integer n = wholeNumber(value, "liveness.failures", 1, MAX_LIVENESS_FAILURES);
                    valid &= n != null;
                    failures = n != null ? n : failures;
                }
                case "timeout" -> {
                    Duration d = duration(value, "liveness.timeout", Duration.ofMillis(1));
                    valid &= d != null;
                    timeout = d != null ? d : timeout;
                }
                case "initial_delay" -> {
                    Duration d = duration(value, "liveness.initial_delay", Duration.ZERO);
                    valid &= d != null;
                    initialDelay = d;
                }
                default -> unknownKey(e.getValue().getKeyNode(), e.getKey(), LIVENESS_KEYS, "in liveness");
            }
        }
        if (checks.size() != 1) {
            error(node, checks.isEmpty() ? "liveness needs one of http: /path, port: true or exec: \"command\""
                    : "liveness has " + String.join(" and ", checks) + "; keep exactly one of http, port or exec");
            return null;
        }
        return valid ? new Liveness(kind, target, period, failures, timeout, initialDelay) : null;
    }

    private String stopSignal(Node value) {
        String text = scalar(value, "stop_signal");
        if (text == null) {
            return null;
        }
        String name = text.strip().toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        if (!TypeConfig.STOP_SIGNALS.contains(name)) {
            error(value, "stop_signal must be TERM, INT, QUIT, HUP or KILL" + found(text));
            return null;
        }
        return name;
    }

    private Readiness readiness(Node node) {
        MappingNode map = mapping(node, "ready", "a mapping with one of http:, port: or log: (and timeout:)");
        if (map == null) {
            return null;
        }
        Readiness.Kind kind = null;
        String target = null;
        Duration timeout = Readiness.DEFAULT_TIMEOUT;
        List<String> checks = new ArrayList<>();
        boolean valid = true;
        for (Map.Entry<String, NodeTuple> e : keys(map).entrySet()) {
            Node value = e.getValue().getValueNode();
            switch (e.getKey()) {
                case "http" -> {
                    checks.add("http");
                    String path = scalar(value, "ready.http");
                    if (path != null && (!path.startsWith("/") || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
                        error(value, "ready.http must be a URL path starting with '/', such as /health" + found(path));
                        path = null;
                    }
                    valid &= path != null;
                    kind = Readiness.Kind.HTTP;
                    target = path;
                }
                case "port" -> {
                    checks.add("port");
                    Boolean on = bool(value, "ready.port");
                    if (Boolean.FALSE.equals(on)) {
                        error(value, "ready.port must be true; to have no readiness check, remove ready:");
                    }
                    valid &= Boolean.TRUE.equals(on);
                    kind = Readiness.Kind.PORT;
                    target = "";
                }
                case "log" -> {
                    checks.add("log");
                    String regex = scalar(value, "ready.log");
                    if (regex != null && regex.isEmpty()) {
                        error(value, "ready.log must be a regular expression matching a line of output, such as"
                                + " \"Listening on\"");
                        regex = null;
                    } else if (regex != null) {
                        try {
                            Pattern.compile(regex);
                        } catch (PatternSyntaxException ex) {
                            error(value, "ready.log is not a valid regular expression: " + ex.getDescription()
                                    + (ex.getIndex() >= 0 ? " near index " + ex.getIndex() : "") + found(regex));
                            regex = null;
                        }
                    }
                    valid &= regex != null;
                    kind = Readiness.Kind.LOG;
                    target = regex;
                }
                case "timeout" -> {
                    Duration d = duration(value, "ready.timeout", Duration.ofMillis(1));
                    if (d == null) {
                        valid = false;
                    } else {
                        timeout = d;
                    }
                }
                default -> unknownKey(e.getValue().getKeyNode(), e.getKey(), READY_KEYS, "in ready");
            }
        }
        if (checks.size() != 1) {
            error(node, checks.isEmpty() ? "ready needs one of http: /path, port: true or log: \"regex\""
                    : "ready has " + String.join(" and ", checks) + "; keep exactly one of http, port or log");
            return null;
        }
        return valid ? new Readiness(kind, target, timeout) : null;
    }

    /** The named types with the node of each mention, in order; a single name is a list of one. */
    private Map<String, Node> dependsOn(Node node) {
        Map<String, Node> names = new LinkedHashMap<>();
        if (isNull(node)) {
            return names;
        }
        List<Node> items;
        if (node instanceof ScalarNode) {
            items = List.of(node);
        } else if (node instanceof SequenceNode seq && standardTag(seq)) {
            items = seq.getValue();
        } else {
            if (standardTag(node)) {
                error(node, "depends_on must be a list of process types, such as [db, worker], not " + kind(node));
            }
            return names;
        }
        for (Node item : items) {
            String name = scalar(item, "each depends_on entry");
            if (name != null) {
                names.putIfAbsent(name, item);
            }
        }
        return names;
    }

    private Map<String, String> env(Node node) {
        Map<String, String> env = new LinkedHashMap<>();
        if (isNull(node)) {
            return env;
        }
        MappingNode map = mapping(node, "env", "a mapping of variable names to values, such as {RAILS_ENV: development}");
        if (map == null) {
            return env;
        }
        for (Map.Entry<String, NodeTuple> e : keys(map).entrySet()) {
            String name = e.getKey();
            if (!ENV_NAME.matcher(name).matches()) {
                error(e.getValue().getKeyNode(), "invalid variable name '" + name
                        + "' in env; names use letters, digits and '_' and do not start with a digit");
                continue;
            }
            Node valueNode = e.getValue().getValueNode();
            String value = isNull(valueNode) ? "" : scalar(valueNode, "the value of " + name);
            if (value != null && value.indexOf('\0') >= 0) {
                error(valueNode, "the value of " + name + " contains a NUL character, which no environment can hold");
            } else if (value != null) {
                env.put(name, value);
            }
        }
        return env;
    }

    // ---- across types ----

    private void checkDependencies(Map<String, TypeConfig> types) {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Node>> e : dependencyNodes.entrySet()) {
            String type = e.getKey();
            boolean scheduled = types.containsKey(type) && types.get(type).isScheduled();
            if (scheduled && !e.getValue().isEmpty()) {
                error(dependsOnNode.get(type), "'" + type + "' is a scheduled type and cannot have depends_on:"
                        + " it runs on its schedule, whatever else is up");
                continue;
            }
            List<String> edges = new ArrayList<>();
            for (Map.Entry<String, Node> dep : e.getValue().entrySet()) {
                String target = dep.getKey();
                if (target.equals(type)) {
                    error(dep.getValue(), "'" + type + "' depends on itself; remove it from depends_on");
                } else if (!procfileTypes.containsKey(target)) {
                    error(dep.getValue(), "depends_on names '" + target + "', which is not in the Procfile"
                            + suggestion(target, procfileTypes.keySet()) + "; the Procfile has "
                            + listOrNone(procfileTypes.keySet()));
                } else if (target.equals(Procfile.RELEASE) || type.equals(Procfile.RELEASE)) {
                    error(dep.getValue(), "depends_on cannot involve 'release', the release phase: it runs and ends"
                            + " before any type of the formation starts; remove it from depends_on");
                } else if (types.containsKey(target) && types.get(target).isScheduled()) {
                    error(dep.getValue(), "'" + type + "' depends on '" + target + "', a scheduled type; only"
                            + " types of the formation can be waited for");
                } else {
                    edges.add(target);
                }
            }
            graph.put(type, edges);
        }
        reportCycles(graph);
    }

    /** Reports each dependency cycle once, as {@code web -> worker -> web}, at the first type's depends_on. */
    private void reportCycles(Map<String, List<String>> graph) {
        Set<String> done = new HashSet<>();
        Set<Set<String>> reported = new HashSet<>();
        for (String start : graph.keySet()) {
            findCycles(start, graph, new ArrayList<>(), done, reported);
        }
    }

    private void findCycles(String type, Map<String, List<String>> graph, List<String> path, Set<String> done,
                            Set<Set<String>> reported) {
        int onPath = path.indexOf(type);
        if (onPath >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(onPath, path.size()));
            if (reported.add(new HashSet<>(cycle))) {
                cycle.add(type);
                String first = cycle.get(0);
                error(dependencyNodes.get(first).get(cycle.get(1)), "depends_on forms a cycle: " + String.join(" -> ", cycle)
                                + "; remove one of these dependencies");
            }
            return;
        }
        if (done.contains(type)) {
            return;
        }
        path.add(type);
        for (String next : graph.getOrDefault(type, List.of())) {
            findCycles(next, graph, path, done, reported);
        }
        path.remove(path.size() - 1);
        done.add(type);
    }

    private Map<String, Integer> formation(Node node, Map<String, TypeConfig> types) {
        Map<String, Integer> formation = new LinkedHashMap<>();
        if (isNull(node)) {
            return formation;
        }
        MappingNode map = mapping(node, "formation", "a mapping of process types to counts, such as {web: 2, worker: 1}");
        if (map == null) {
            return formation;
        }
        for (Map.Entry<String, NodeTuple> e : keys(map).entrySet()) {
            String name = e.getKey();
            Node keyNode = e.getValue().getKeyNode();
            Integer count = wholeNumber(e.getValue().getValueNode(), "the count of " + name, 0, MAX_SCALE);
            if (!procfileTypes.containsKey(name)) {
                error(keyNode, "formation names '" + name + "', which is not in the Procfile"
                        + suggestion(name, procfileTypes.keySet()) + "; the Procfile has "
                        + listOrNone(procfileTypes.keySet()));
            } else if (name.equals(Procfile.RELEASE)) {
                error(keyNode, "'release' is the release phase and not part of the formation: it runs once before"
                        + " the formation starts; remove it from formation");
            } else if (types.containsKey(name) && types.get(name).isScheduled()) {
                error(keyNode, "'" + name + "' is a scheduled type (" + types.get(name).schedule().text()
                        + ") and not part of the formation; remove it from formation");
            } else if (count != null) {
                formation.put(name, count);
            }
        }
        return formation;
    }

    // ---- values ----

    /** Keys of a mapping in order; non-scalar and repeated keys are errors and left out. */
    private Map<String, NodeTuple> keys(MappingNode map) {
        Map<String, NodeTuple> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            Node key = tuple.getKeyNode();
            if (!(key instanceof ScalarNode scalar)) {
                error(key, "a key must be a plain name, not " + kind(key));
                continue;
            }
            NodeTuple earlier = keys.putIfAbsent(scalar.getValue(), tuple);
            if (earlier != null) {
                error(key, "duplicate key '" + scalar.getValue() + "' (first on line "
                        + lineOf(earlier.getKeyNode()) + "); remove one of them");
            }
        }
        return keys;
    }

    private static boolean hasKey(MappingNode map, String name) {
        return map.getValue().stream()
                .anyMatch(t -> t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(name));
    }

    private MappingNode mapping(Node node, String what, String expected) {
        if (!standardTag(node)) {
            return null;
        }
        if (node instanceof MappingNode map) {
            return map;
        }
        error(node, what + " must be " + expected + ", not " + kind(node));
        return null;
    }

    /** The text of a single value; null (with an error) for a list, a mapping or a null. */
    private String scalar(Node node, String what) {
        if (!standardTag(node)) {
            return null;
        }
        if (node instanceof ScalarNode scalar && !isNull(node)) {
            return scalar.getValue();
        }
        error(node, what + " must be a single value, not " + kind(node));
        return null;
    }

    private Boolean bool(Node node, String what) {
        String text = scalar(node, what);
        if (text == null) {
            return null;
        }
        switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on":
                return true;
            case "false", "no", "off":
                return false;
            default:
                break;
        }
        error(node, what + " must be true or false" + found(text));
        return null;
    }

    private Integer wholeNumber(Node node, String what, int min, int max) {
        String text = scalar(node, what);
        if (text == null) {
            return null;
        }
        String trimmed = text.strip();
        if (WHOLE.matcher(trimmed).matches()) {
            long value = Long.parseLong(trimmed);
            if (value >= min && value <= max) {
                return (int) value;
            }
        }
        error(node, what + " must be a whole number from " + min + " to " + max + found(text));
        return null;
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or a plain number of seconds, up to {@link #MAX_WAIT}. */
    private Duration duration(Node node, String what, Duration min) {
        String text = scalar(node, what);
        if (text == null) {
            return null;
        }
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            BigDecimal amount = new BigDecimal(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            BigDecimal millis = amount.multiply(BigDecimal.valueOf(switch (unit) {
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                default -> 3_600_000;
            }));
            if (millis.compareTo(BigDecimal.valueOf(MAX_WAIT.toMillis())) <= 0) {
                Duration d = Duration.ofMillis(millis.setScale(0, RoundingMode.HALF_UP).longValueExact());
                if (d.compareTo(min) >= 0) {
                    return d;
                }
            }
        }
        error(node, what + " must be a duration such as 500ms, 10s or 2m (a plain number is seconds), "
                + (min.isZero() ? "from 0" : "above 0") + " up to 1h" + found(text));
        return null;
    }

    /** False, with an error, for a node carrying a tag of its own ({@code !foo}): nothing here gives it meaning. */
    private boolean standardTag(Node node) {
        if (node.getTag().getValue().startsWith(Tag.PREFIX)) {
            return true;
        }
        error(node, "custom tag '" + node.getTag().getValue() + "' is not supported; remove it");
        return false;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    private static String kind(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return isNull(node) ? "empty" : "a single value";
    }

    private void unknownKey(Node keyNode, String key, List<String> known, String where) {
        String hint = suggestion(key, known);
        problems.add(ParseProblem.warning(file, lineOf(keyNode), columnOf(keyNode), "unknown key '" + key + "' "
                + where + (hint.isEmpty() ? "; known keys: " + String.join(", ", known) : hint) + "; it is ignored"));
    }

    /** " (did you mean restart?)" for a near miss such as {@code restrat} or {@code max-restarts}, else "". */
    static String suggestion(String given, Iterable<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(given.toLowerCase(Locale.ROOT).replace('-', '_'), candidate.replace('-', '_'));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        int allowed = given.length() <= 4 ? 1 : 2;
        return best != null && bestDistance <= allowed ? " (did you mean " + best + "?)" : "";
    }

    /** Optimal string alignment distance: edits, with a swap of neighbours as one. */
    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 3 || a.length() > 64 || b.length() > 64) {
            return Integer.MAX_VALUE;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String listOrNone(Set<String> names) {
        return names.isEmpty() ? "no types" : String.join(", ", new LinkedHashSet<>(names));
    }

    private static String found(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "…" : text;
        return ", not '" + shown + "'";
    }

    private void error(Node node, String message) {
        problems.add(node == null ? ParseProblem.error(file, 0, message)
                : ParseProblem.error(file, lineOf(node), columnOf(node), message));
    }

    private static int lineOf(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static int columnOf(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getColumn() + 1;
    }
}
