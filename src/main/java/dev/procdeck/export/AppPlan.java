package dev.procdeck.export;

import dev.procdeck.procfile.CronSchedule;
import dev.procdeck.procfile.IntervalSchedule;
import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectConfig;
import dev.procdeck.procfile.Schedule;
import dev.procdeck.procfile.TypeConfig;
import dev.procdeck.procfile.Visible;
import dev.procdeck.supervisor.Formation;
import dev.procdeck.supervisor.InstanceEnvironment;
import dev.procdeck.supervisor.Ports;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A project resolved for export, the same way {@code start} would run it: the formation ({@code -m}, else
 * procdeck.yml's, else one of each long-running type), ports (base from -p, .env or 5000; 100 per type in
 * Procfile order, +1 per instance) and each type's settings with the defaults filled in.
 */
final class AppPlan {
    /** Short enough that {@code APP-TYPE} fits the 63 characters of a Kubernetes label or Service name. */
    static final int MAX_APP_LENGTH = 30;
    private static final Pattern APP_NAME = Pattern.compile("[a-z]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}");

    final String app;
    final Project project;
    final ExportOptions options;
    final int basePort;
    final List<TypePlan> types;
    final List<String> warnings = new ArrayList<>();
    /** Advice beside the files (see {@link ExportResult#notes}). */
    final List<String> notes = new ArrayList<>();
    /** Variables found secret by their value, with why, in the order met. */
    private final Map<String, String> secretsByValue = new TreeMap<>();

    private AppPlan(String app, Project project, ExportOptions options, int basePort, List<TypePlan> types) {
        this.app = app;
        this.project = project;
        this.options = options;
        this.basePort = basePort;
        this.types = List.copyOf(types);
    }

    static AppPlan of(Project project, ExportOptions options) {
        String app = options.app() != null ? checkAppName(options.app()) : appName(project.displayName());
        if (options.user() != null && !USER_NAME.matcher(options.user()).matches()) {
            throw new IllegalArgumentException("user '" + options.user() + "' is not a valid user name; use letters,"
                    + " digits, '_', '.' and '-', at most 32 characters");
        }
        ProjectConfig config = project.config();
        Formation formation = options.formation() != null ? Formation.parse(options.formation())
                : !config.formation().isEmpty() ? Formation.parse(Formation.format(config.formation()))
                : null;
        Map<String, Integer> counts = formation != null ? formation.resolve(project.procfile()) : Map.of();
        Map<String, Integer> longRunning = new LinkedHashMap<>();
        for (ProcessType t : project.procfile().types()) {
            if (!config.isScheduled(t.name())) {
                longRunning.put(t.name(), formation != null ? counts.getOrDefault(t.name(), 0) : 1);
            }
        }
        int base = Ports.base(options.basePort(), project.dotEnv(), options.parentEnv());
        Ports.requireInRange(base, project.procfile(), longRunning);
        List<TypePlan> plans = new ArrayList<>();
        List<ProcessType> exported = new ArrayList<>(project.procfile().types());
        // The release phase runs once per deploy: a Kubernetes Job; the other managers name it as left out.
        project.procfile().releasePhase().ifPresent(exported::add);
        for (ProcessType t : exported) {
            TypeConfig tc = config.type(t.name());
            plans.add(new TypePlan(t, tc, tc.isScheduled() ? 1 : longRunning.getOrDefault(t.name(), 1), base,
                    tc.restart() != null ? tc.restart() : options.defaultRestart(),
                    tc.stopSignal() != null ? tc.stopSignal() : "TERM",
                    tc.stopTimeout() != null ? tc.stopTimeout() : options.stopTimeout(),
                    tc.isScheduled() ? parsed(t.name(), tc.schedule()) : null));
        }
        return new AppPlan(app, project, options, base, plans);
    }

    /** The exporters translate the parser's two kinds of schedule; any other is a programming error. */
    private static Schedule parsed(String type, Schedule schedule) {
        if (schedule instanceof IntervalSchedule || schedule instanceof CronSchedule) {
            return schedule;
        }
        throw new IllegalStateException("schedule of '" + type + "' is a " + schedule.getClass().getName()
                + ", not one made by Schedule.parse");
    }

    /** A folder name made into an app name: lower case, runs of other characters as one '-'. */
    static String appName(String folder) {
        String name = folder.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (name.isEmpty()) {
            return "app";
        }
        if (!Character.isLetter(name.charAt(0))) {
            name = "app-" + name;
        }
        if (name.length() > MAX_APP_LENGTH) {
            name = name.substring(0, MAX_APP_LENGTH).replaceAll("-+$", "");
        }
        return name;
    }

    private static String checkAppName(String name) {
        if (!APP_NAME.matcher(name).matches() || name.length() > MAX_APP_LENGTH) {
            throw new IllegalArgumentException("app name '" + name + "' is not usable in unit and object names; use"
                    + " lower-case letters, digits and '-', starting with a letter, at most " + MAX_APP_LENGTH
                    + " characters (suggestion: " + appName(name) + ")");
        }
        return name;
    }

    /** Types that have instances (long-running with a scale above 0, or scheduled). */
    List<TypePlan> exportedTypes() {
        return types.stream().filter(t -> t.scale() > 0).toList();
    }

    /**
     * The exported types a service manager can run, which gives no process a terminal: a {@code tty: true} type
     * would read end-of-file at once and restart for ever, so it is left out, with a warning saying so. Settings
     * the manager cannot express get a warning each: readiness checks (none of systemd, launchd and supervisord
     * has them) and, unless {@code canOrder}, depends_on.
     */
    List<TypePlan> typesWithoutTerminal(String manager, boolean canOrder) {
        List<TypePlan> out = new ArrayList<>();
        for (TypePlan t : exportedTypes()) {
            if (t.release()) {
                warnings.add(manager + ": " + t.name() + " is left out: it is the release phase, which runs once"
                        + " before the formation starts, not as a service; run it before each deploy (procdeck run "
                        + t.name() + ")");
                continue;
            }
            if (t.config().tty()) {
                warnings.add(manager + ": " + t.name() + " is left out: it runs in a terminal (tty: true), which "
                        + manager + " does not give a service (it would read end-of-file and restart for ever); run it"
                        + " with procdeck start and procdeck connect " + t.name());
                continue;
            }
            out.add(t);
            if (!canOrder && !t.config().dependsOn().isEmpty()) {
                warnings.add(manager + ": " + t.name() + " depends_on " + String.join(", ", t.config().dependsOn())
                        + ", but " + manager + " starts every program at once: the start order is not exported");
            }
            var ready = t.config().ready();
            if (ready != null) {
                warnings.add(manager + ": " + t.name() + "'s readiness check (ready: " + ready.kind().name()
                        .toLowerCase(Locale.ROOT) + (ready.target().isEmpty() ? "" : " " + Visible.escape(ready.target()))
                        + ") is not exported: " + manager + " counts a program as started once it runs");
            }
            if (t.config().liveness() != null) {
                warnings.add(manager + ": " + t.name() + "'s liveness check (liveness: " + Visible.escape(
                        t.config().liveness().describe()) + ") is not exported: " + manager + " restarts a program"
                        + " only when it exits");
            }
            if (t.config().memory() != null && !manager.equals("systemd")) {
                warnings.add(manager + ": " + t.name() + "'s memory quota (memory: "
                        + SystemdExporter.systemdBytes(t.config().memory()) + ") is not exported: " + manager + " cannot limit a"
                        + " program's memory");
            }
        }
        return out;
    }

    /**
     * Whom the processes run as: {@code -u}, else the user who exports (under sudo, the user who ran sudo), so that
     * units do not silently run as root. A warning says so when that is root.
     */
    String user(String manager) {
        if (options.user() != null) {
            return options.user();
        }
        String me = options.exportingUser();
        String sudoUser = options.parentEnv().get("SUDO_USER");
        String user = "root".equals(me) && sudoUser != null && USER_NAME.matcher(sudoUser).matches()
                && !sudoUser.equals("root") ? sudoUser : me;
        if ("root".equals(user)) {
            String warning = manager + ": the processes run as root, the user who exported them; -u USER runs them"
                    + " as another user";
            if (!warnings.contains(warning)) {
                warnings.add(warning);
            }
        }
        return user;
    }

    /** The type of that name, or null when the Procfile has none. */
    TypePlan type(String name) {
        return types.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    /** Where the processes run. */
    Path root() {
        return project.root();
    }

    /** The log folder of launchd and supervisord: -l, else /var/log/APP as Foreman has it. */
    Path logDir() {
        return options.logDir() != null ? options.logDir().toAbsolutePath().normalize() : Path.of("/var/log", app);
    }

    /**
     * Everything instance {@code n} of {@code type} sees, as procdeck would start it but without procdeck's own
     * environment: .env, then the type's procdeck.yml env, then PORT, PS and DYNO. PORT, PS and DYNO come first,
     * the rest by name, so that exported files do not change order between runs. Secrets included.
     */
    Map<String, String> instanceEnv(TypePlan type, int n) {
        Map<String, String> merged = new HashMap<>(project.dotEnv());
        merged.putAll(type.config().env());
        Map<String, String> all = InstanceEnvironment.build(Map.of(), merged, type.dyno(n), type.port(n));
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String first : List.of("PORT", "PS", "DYNO")) {
            ordered.put(first, all.remove(first));
        }
        ordered.putAll(new TreeMap<>(all));
        return ordered;
    }

    /** {@link #instanceEnv} without secrets. */
    Map<String, String> publicInstanceEnv(TypePlan type, int n) {
        Map<String, String> env = instanceEnv(type, n);
        env.entrySet().removeIf(e -> isSecret(e.getKey(), e.getValue()));
        return env;
    }

    /**
     * Whether a variable is kept out of plain files: by its name, or by its value unless the user said
     * {@code --not-secret NAME}. Values that make a variable secret are remembered for {@link #warnValueSecrets}.
     */
    boolean isSecret(String name, String value) {
        if (Secrets.isSecretName(name)) {
            return true;
        }
        if (options.notSecret().contains(name)) {
            return false;
        }
        java.util.Optional<String> why = Secrets.whyValueIsSecret(value);
        why.ifPresent(reason -> secretsByValue.putIfAbsent(name, reason));
        return why.isPresent();
    }

    /** Says once which variables were treated as secrets for their values, and how to say otherwise. */
    void warnValueSecrets() {
        if (secretsByValue.isEmpty()) {
            return;
        }
        List<String> named = new ArrayList<>();
        secretsByValue.forEach((name, why) -> named.add(name + " (" + why + ")"));
        warnings.add("treated as secrets for their values: " + String.join(", ", named) + "; if one is not,"
                + " export again with --not-secret " + String.join(",", secretsByValue.keySet()));
    }

    /**
     * For launchd and supervisord, which have no safe place for secrets: warns once, naming the secrets left
     * out and where they came from, with how to provide them.
     */
    void warnSecretsLeftOut(String howToProvide) {
        TreeSet<String> fromEnv = new TreeSet<>();
        project.dotEnv().forEach((k, v) -> {
            if (isSecret(k, v)) {
                fromEnv.add(k);
            }
        });
        TreeSet<String> fromYml = new TreeSet<>();
        for (TypePlan t : exportedTypes()) {
            t.config().env().forEach((k, v) -> {
                if (isSecret(k, v)) {
                    fromYml.add(k);
                }
            });
        }
        if (fromEnv.isEmpty() && fromYml.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        if (!fromEnv.isEmpty()) {
            parts.add(String.join(", ", fromEnv) + " (from " + envFileNames() + ")");
        }
        if (!fromYml.isEmpty()) {
            parts.add(String.join(", ", fromYml) + " (from " + ProjectConfig.FILE_NAME + ")");
        }
        warnings.add("secrets left out of the exported files: " + String.join("; ", parts)
                + ". Names containing KEY, SECRET, TOKEN or PASSWORD, and values that look like secrets, are never written"
                + " there; " + howToProvide);
    }

    String envFileNames() {
        return project.envFiles().isEmpty() ? ".env"
                : String.join(", ", project.envFiles().stream().map(Path::toString).toList());
    }
}
