package dev.procdeck.runtime;

import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceTerminal;
import dev.procdeck.supervisor.JobRun;
import dev.procdeck.supervisor.SupervisorSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An app that runs nothing here and drives nothing elsewhere ({@link NoApp}, {@link ElsewhereApp}): no news,
 * every command does nothing, closing has nothing to stop.
 */
abstract class InertApp implements RunningApp {

    @Override
    public boolean drainTo(Updates updates) {
        return false;
    }

    @Override
    public void scale(String type, int count) {
    }

    @Override
    public void act(Action action, String target) {
    }

    @Override
    public void runJob(String type) {
    }

    @Override
    public List<JobRun> jobHistory(String type) {
        return List.of();
    }

    @Override
    public Optional<InstanceTerminal> terminal(InstanceId id, long pid) {
        return Optional.empty();
    }

    @Override
    public Duration stopTimeout() {
        return SupervisorSettings.defaults(0).stopTimeout();
    }

    @Override
    public CompletableFuture<Void> close() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void stopForExit(Duration budget) {
    }
}
