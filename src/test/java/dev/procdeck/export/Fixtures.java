package dev.procdeck.export;

import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Procfile;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectConfig;
import dev.procdeck.procfile.Readiness;
import dev.procdeck.procfile.RestartMode;
import dev.procdeck.procfile.Schedule;
import dev.procdeck.procfile.TypeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Projects built in memory (procdeck.yml settings as objects, not parsed), for the exporters' tests. */
final class Fixtures {
    private Fixtures() {
    }

    static TypeConfig type() {
        return TypeConfig.DEFAULTS;
    }

    static TypeConfig restart(RestartMode mode, String signal, Duration timeout) {
        return TypeConfig.DEFAULTS.withRestart(mode).withStopSignal(signal).withStopTimeout(timeout).withLine(1);
    }

    static TypeConfig maxRestarts(int max) {
        return TypeConfig.DEFAULTS.withMaxRestarts(max).withLine(1);
    }

    static TypeConfig ready(Readiness.Kind kind, String target) {
        return TypeConfig.DEFAULTS.withReady(new Readiness(kind, target, Readiness.DEFAULT_TIMEOUT)).withLine(1);
    }

    static TypeConfig scheduled(String schedule, Overlap overlap) {
        return TypeConfig.DEFAULTS.withSchedule(Schedule.parse(schedule)).withOverlap(overlap).withLine(1);
    }

    static TypeConfig env(Map<String, String> env) {
        return TypeConfig.DEFAULTS.withEnv(env).withLine(1);
    }

    static TypeConfig tty() {
        return TypeConfig.DEFAULTS.withTty(true).withLine(1);
    }

    static TypeConfig dependsOn(String... types) {
        return TypeConfig.DEFAULTS.withDependsOn(List.of(types)).withLine(1);
    }

    /** A project builder: Procfile lines in order, .env values, procdeck.yml settings. */
    static final class Builder {
        private final Path root;
        private final List<ProcessType> types = new ArrayList<>();
        private final Map<String, String> dotEnv = new LinkedHashMap<>();
        private final Map<String, TypeConfig> configs = new LinkedHashMap<>();
        private final Map<String, Integer> formation = new LinkedHashMap<>();
        private boolean envFile = true;

        Builder(Path root) {
            this.root = root;
        }

        Builder type(String name, String command) {
            types.add(new ProcessType(name, command, types.size(), types.size() + 1));
            return this;
        }

        Builder type(String name, String command, TypeConfig config) {
            configs.put(name, config);
            return type(name, command);
        }

        Builder env(String name, String value) {
            dotEnv.put(name, value);
            return this;
        }

        Builder noEnvFile() {
            envFile = false;
            return this;
        }

        Builder formation(String type, int count) {
            formation.put(type, count);
            return this;
        }

        Project build() {
            Procfile procfile = new Procfile(root.resolve("Procfile").toString(), types, List.of());
            ProjectConfig config = new ProjectConfig(root.resolve("procdeck.yml"), formation, configs, List.of());
            return new Project(root, root.resolve("Procfile"), procfile, dotEnv,
                    envFile ? List.of(root.resolve(".env")) : List.of(), config);
        }
    }

    static Builder project(Path root) {
        return new Builder(root);
    }

    static ExportOptions options() {
        return ExportOptions.defaults().withZone(ZoneId.of("Europe/Paris")).withExportingUser("alice");
    }
}
