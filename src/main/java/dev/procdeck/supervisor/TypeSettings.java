package dev.procdeck.supervisor;

import dev.procdeck.os.Signal;
import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.Readiness;
import dev.procdeck.procfile.TypeConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * procdeck.yml's per-type settings over the supervisor's own ({@code -t}, {@code --restart}), for the project as
 * it is now (a reload changes them): restart policy, stop signal and timeout, readiness check.
 */
final class TypeSettings {
    private final Supplier<Project> project;
    private final SupervisorSettings settings;

    TypeSettings(Supplier<Project> project, SupervisorSettings settings) {
        this.project = project;
        this.settings = settings;
    }

    private TypeConfig typeConfig(String type) {
        return project.get().config().type(type);
    }

    /** procdeck.yml's {@code restart:} and {@code max_restarts}, over {@code --restart} (the default policy). */
    RestartPolicy policy(String type) {
        TypeConfig config = typeConfig(type);
        RestartPolicy policy = settings.policyFor(type);
        if (config.restart() != null) {
            policy = policy.withMode(config.restart());
        }
        return config.maxRestarts() != null ? policy.withMaxRestarts(config.maxRestarts()) : policy;
    }

    Duration stopTimeout(String type) {
        Duration own = typeConfig(type).stopTimeout();
        return own != null ? own : settings.stopTimeout();
    }

    Signal stopSignal(String type) {
        String name = typeConfig(type).stopSignal();
        if (name == null) {
            return Signal.TERM;
        }
        try {
            return Signal.valueOf(name.toUpperCase(java.util.Locale.ROOT).replaceFirst("^SIG", ""));
        } catch (IllegalArgumentException e) {
            return Signal.TERM; // procdeck.yml's parser accepts only TypeConfig.STOP_SIGNALS
        }
    }

    /** The type's readiness check (procdeck.yml {@code ready:}), or empty for "up once spawned". */
    Optional<Readiness> readiness(String type) {
        return Optional.ofNullable(typeConfig(type).ready());
    }

    /** The longest a full stop can take: each link of the longest depends_on chain waits for the one before. */
    Duration stopBudget(Dependencies dependencies) {
        Duration longest = settings.stopTimeout();
        for (ProcessType type : project.get().procfile().types()) {
            Duration own = stopTimeout(type.name());
            if (own.compareTo(longest) > 0) {
                longest = own;
            }
        }
        return longest.multipliedBy(dependencies.chainLength());
    }
}
