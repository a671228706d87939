package dev.procdeck.supervisor;

import dev.procdeck.procfile.Project;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a start launches with: a command, the project's folder, and the environment procdeck builds for it
 * ({@link InstanceEnvironment}), marked with the supervisor's {@link Supervisor#MARK_VARIABLE} so that the
 * watchdog and leftover detection know it for ours.
 */
final class LaunchSpecs {
    private final Map<String, String> parentEnv;
    private final String marker;

    LaunchSpecs(Map<String, String> parentEnv, String marker) {
        this.parentEnv = Map.copyOf(parentEnv);
        this.marker = marker;
    }

    /** A start of instance {@code id} on {@code port} with the project {@code p}; empty if its type is gone. */
    Optional<LaunchSpec> instance(Project p, InstanceId id, int port) {
        return p.procfile().type(id.type()).map(type -> {
            Map<String, String> env = new HashMap<>(InstanceEnvironment.build(parentEnv, p.dotEnv(),
                    p.config().type(id.type()).env(), id.name(), port));
            env.put(Supervisor.MARK_VARIABLE, marker);
            return new LaunchSpec(id.name(), type.command(), p.root(), env, p.config().type(type.name()).tty());
        });
    }

    /**
     * A run outside the formation (a scheduled job, a one-off): its own command, with pipes; the .env values and,
     * if it runs a type's command ({@code type} not null), that type's procdeck.yml {@code env:}.
     */
    LaunchSpec run(Project p, InstanceId id, String type, String dyno, String command, int port) {
        Map<String, String> fileEnv = new HashMap<>(p.dotEnv());
        if (type != null) {
            fileEnv.putAll(p.config().type(type).env());
        }
        Map<String, String> env = new HashMap<>(InstanceEnvironment.build(parentEnv, fileEnv, dyno, port));
        env.put(Supervisor.MARK_VARIABLE, marker);
        return new LaunchSpec(id.name(), command, p.root(), env);
    }

    /**
     * The variables of a launch that procdeck set: those that are not procdeck's own marker and differ from (or
     * are not in) the environment procdeck runs in (.env, procdeck.yml's env, PORT, PS, DYNO...), sorted by name.
     */
    Map<String, String> setByProcdeck(LaunchSpec launch) {
        Map<String, String> set = new TreeMap<>();
        launch.environment().forEach((name, value) -> {
            if (!name.equals(Supervisor.MARK_VARIABLE) && !value.equals(parentEnv.get(name))) {
                set.put(name, value);
            }
        });
        return set;
    }
}
