package dev.procdeck.supervisor;

import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectConfig;
import dev.procdeck.procfile.TypeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What a reload changes, worked out from the project before and after and nothing else: types added and removed,
 * commands changed, port blocks moved (a type's block is its Procfile position, {@link Ports}), .env variables
 * added, changed or removed and the types that see them, and procdeck.yml's settings per type. The supervisor
 * applies it and {@link #lines} says it on the console; which instances need a restart it finds itself, by comparing
 * what each runs with what a start would launch now (so changing a value back unmarks them). Values never appear: a .env or {@code env:} change is
 * named by its variable only, so a secret's value (or its length, or whether it is now empty) is not hinted at.
 */
public record ReloadPlan(List<String> added, List<String> removed, List<String> commandChanged,
                         List<PortMove> portsMoved, List<VariableChange> envChanges, List<TypeSettings> settingsChanged,
                         List<String> nowScheduled, List<String> noLongerScheduled, boolean formationChanged,
                         String procfileName, String envName) {

    public enum Change {
        ADDED("added"), CHANGED("changed"), REMOVED("removed");

        final String words;

        Change(String words) {
            this.words = words;
        }
    }

    /** A type that stays but sits at another Procfile position: its ports follow the position. */
    public record PortMove(String type, int fromIndex, int toIndex) {
    }

    /** A .env variable, and the types (in Procfile order) that see it: those whose own {@code env:} does not set it. */
    public record VariableChange(String name, Change change, List<String> types) {
    }

    /** procdeck.yml's settings of one type that changed, by key ({@code ready changed}, {@code env DB_URL added}). */
    public record TypeSettings(String type, List<String> settings, boolean takesARestart) {
    }

    public ReloadPlan {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        commandChanged = List.copyOf(commandChanged);
        portsMoved = List.copyOf(portsMoved);
        envChanges = List.copyOf(envChanges);
        settingsChanged = List.copyOf(settingsChanged);
        nowScheduled = List.copyOf(nowScheduled);
        noLongerScheduled = List.copyOf(noLongerScheduled);
    }

    /** The plan for going from {@code before} to {@code after}. Pure: reads the two projects only. */
    public static ReloadPlan between(Project before, Project after) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> commandChanged = new ArrayList<>();
        List<PortMove> moved = new ArrayList<>();
        for (ProcessType type : before.procfile().types()) {
            if (after.procfile().type(type.name()).isEmpty()) {
                removed.add(type.name());
            }
        }
        for (ProcessType type : after.procfile().types()) {
            var old = before.procfile().type(type.name());
            if (old.isEmpty()) {
                added.add(type.name());
                continue;
            }
            if (!old.get().command().equals(type.command())) {
                commandChanged.add(type.name());
            }
            if (old.get().index() != type.index()) {
                moved.add(new PortMove(type.name(), old.get().index(), type.index()));
            }
        }
        List<String> staying = after.procfile().types().stream().map(ProcessType::name)
                .filter(t -> before.procfile().type(t).isPresent()).toList();
        List<String> nowScheduled = staying.stream()
                .filter(t -> after.config().isScheduled(t) && !before.config().isScheduled(t)).toList();
        List<String> noLongerScheduled = staying.stream()
                .filter(t -> !after.config().isScheduled(t) && before.config().isScheduled(t)).toList();
        List<TypeSettings> settings = new ArrayList<>();
        for (String type : staying) {
            TypeSettings s = settingsChange(type, before.config().type(type), after.config().type(type));
            if (s != null) {
                settings.add(s);
            }
        }
        return new ReloadPlan(added, removed, commandChanged, moved, envChanges(before, after), settings,
                nowScheduled, noLongerScheduled, !before.config().formation().equals(after.config().formation()),
                fileName(after.procfilePath(), "Procfile"), envName(after));
    }

    private static List<VariableChange> envChanges(Project before, Project after) {
        Set<String> names = new TreeSet<>(before.dotEnv().keySet());
        names.addAll(after.dotEnv().keySet());
        List<VariableChange> changes = new ArrayList<>();
        for (String name : names) {
            String was = before.dotEnv().get(name);
            String now = after.dotEnv().get(name);
            if (Objects.equals(was, now)) {
                continue;
            }
            Change change = was == null ? Change.ADDED : now == null ? Change.REMOVED : Change.CHANGED;
            // No instance sees .env's PORT (procdeck gives each its own); it is the base of the port blocks.
            List<String> seeing = name.equals("PORT") ? List.of() : after.procfile().types().stream()
                    .map(ProcessType::name).filter(t -> !after.config().type(t).env().containsKey(name)).toList();
            changes.add(new VariableChange(name, change, seeing));
        }
        return changes;
    }

    /** The settings of a type that differ; those a running process embodies (env, tty) take a restart. */
    private static TypeSettings settingsChange(String type, TypeConfig was, TypeConfig now) {
        List<String> changed = new ArrayList<>();
        boolean restart = false;
        compare(changed, "restart", was, now, TypeConfig::restart);
        compare(changed, "max_restarts", was, now, TypeConfig::maxRestarts);
        compare(changed, "stop_signal", was, now, TypeConfig::stopSignal);
        compare(changed, "stop_timeout", was, now, TypeConfig::stopTimeout);
        compare(changed, "ready", was, now, TypeConfig::ready);
        compare(changed, "depends_on", was, now, TypeConfig::dependsOn);
        // The dyno checks take a run's quota and liveness when it starts: a change applies from the next run.
        int before = changed.size();
        compare(changed, "memory", was, now, TypeConfig::memory);
        compare(changed, "liveness", was, now, TypeConfig::liveness);
        restart = changed.size() > before;
        Set<String> keys = new TreeSet<>(was.env().keySet());
        keys.addAll(now.env().keySet());
        for (String key : keys) {
            String a = was.env().get(key);
            String b = now.env().get(key);
            if (!Objects.equals(a, b)) {
                Change c = a == null ? Change.ADDED : b == null ? Change.REMOVED : Change.CHANGED;
                changed.add("env " + key + " " + c.words);
                restart = true;
            }
        }
        if (was.tty() != now.tty()) {
            changed.add("tty changed");
            restart = true;
        }
        if (was.isScheduled() && now.isScheduled()) {
            compare(changed, "schedule", was, now, TypeConfig::schedule);
            compare(changed, "overlap", was, now, TypeConfig::overlap);
        }
        return changed.isEmpty() ? null : new TypeSettings(type, changed, restart && !now.isScheduled());
    }

    private static void compare(List<String> changed, String key, TypeConfig was, TypeConfig now,
                                Function<TypeConfig, Object> field) {
        if (!Objects.equals(field.apply(was), field.apply(now))) {
            changed.add(key + " changed");
        }
    }

    private static String fileName(Path path, String otherwise) {
        return path == null || path.getFileName() == null ? otherwise : path.getFileName().toString();
    }

    private static String envName(Project p) {
        if (p.envFiles().isEmpty()) {
            return ".env";
        }
        return String.join(", ", p.envFiles().stream().map(f -> fileName(f, ".env")).toList());
    }

    public boolean changedAnything() {
        return !added.isEmpty() || !removed.isEmpty() || !commandChanged.isEmpty() || !portsMoved.isEmpty()
                || !envChanges.isEmpty() || !settingsChanged.isEmpty() || !nowScheduled.isEmpty()
                || !noLongerScheduled.isEmpty() || formationChanged;
    }

    /**
     * What the console says, a line per file that changed ("reloaded .env: SECRET_KEY changed (web, worker) —
     * restart web, worker to apply"), or one line when nothing did. {@code stale} are the types that have an instance
     * running what a start would no longer launch: each line ends by naming those its changes concern.
     */
    public List<String> lines(int basePort, Collection<String> stale) {
        List<String> lines = new ArrayList<>();
        procfileLine(basePort, stale).ifPresent(lines::add);
        envLine(stale).ifPresent(lines::add);
        settingsLine(stale).ifPresent(lines::add);
        if (lines.isEmpty()) {
            lines.add("reloaded " + procfileName + ", " + envName + " and " + ProjectConfig.FILE_NAME + ": no change");
        }
        return lines;
    }

    private Optional<String> procfileLine(int basePort, Collection<String> stale) {
        List<String> parts = new ArrayList<>();
        added.forEach(t -> parts.add("+" + t));
        removed.forEach(t -> parts.add("\u2212" + t));
        if (!commandChanged.isEmpty()) {
            parts.add(String.join(", ", commandChanged) + (commandChanged.size() == 1 ? " command" : " commands")
                    + " changed");
        }
        Set<String> concerned = new LinkedHashSet<>(commandChanged);
        for (PortMove m : portsMoved) {
            parts.add(m.type() + " moved to ports from " + Ports.port(basePort, m.toIndex(), 1) + " (was "
                    + Ports.port(basePort, m.fromIndex(), 1) + ")");
            concerned.add(m.type());
        }
        return line(procfileName, parts, ", ", concerned, stale);
    }

    private Optional<String> envLine(Collection<String> stale) {
        List<String> parts = new ArrayList<>();
        Set<String> concerned = new LinkedHashSet<>();
        for (VariableChange v : envChanges) {
            parts.add(v.name() + " " + v.change().words + " (" + (v.name().equals("PORT")
                    ? "the base port: it applies when the project is opened or started again"
                    : v.types().isEmpty() ? "no type sees it: each sets its own in " + ProjectConfig.FILE_NAME
                    : String.join(", ", v.types())) + ")");
            concerned.addAll(v.types());
        }
        return line(envName, parts, ", ", concerned, stale);
    }

    private Optional<String> settingsLine(Collection<String> stale) {
        List<String> parts = new ArrayList<>();
        Set<String> concerned = new LinkedHashSet<>();
        for (TypeSettings s : settingsChanged) {
            parts.add(s.type() + ": " + String.join(", ", s.settings()));
            if (s.takesARestart()) {
                concerned.add(s.type());
            }
        }
        nowScheduled.forEach(t -> parts.add(t + " is now scheduled (its instances stop; it runs on its schedule)"));
        noLongerScheduled.forEach(t -> parts.add(t + " is no longer scheduled (it runs as instances again)"));
        if (formationChanged) {
            parts.add("formation changed (the default where no formation is saved)");
        }
        return line(ProjectConfig.FILE_NAME, parts, "; ", concerned, stale);
    }

    private static Optional<String> line(String file, List<String> parts, String separator, Set<String> concerned,
                                         Collection<String> stale) {
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        List<String> restart = concerned.stream().filter(stale::contains).toList();
        return Optional.of("reloaded " + file + ": " + String.join(separator, parts)
                + (restart.isEmpty() ? "" : " \u2014 restart " + String.join(", ", restart) + " to apply"));
    }

    /** The lines as one text (tests and single-line callers). */
    public String describe(int basePort, Collection<String> stale) {
        return String.join("\n", lines(basePort, stale));
    }
}
