package dev.procdeck.supervisor;

import dev.procdeck.os.Signal;
import dev.procdeck.procfile.Readiness;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A controller host that passes everything to another: a base for hosts that change one or two answers. */
abstract class DelegatingHost implements InstanceController.Host {
    private final InstanceController.Host delegate;

    DelegatingHost(InstanceController.Host delegate) {
        this.delegate = delegate;
    }

    @Override
    public Scheduler scheduler() {
        return delegate.scheduler();
    }

    @Override
    public ProcessGroups groups() {
        return delegate.groups();
    }

    @Override
    public Terminator terminator() {
        return delegate.terminator();
    }

    @Override
    public Optional<LaunchSpec> launchSpec(InstanceId id, int port) {
        return delegate.launchSpec(id, port);
    }

    @Override
    public int portFor(InstanceId id) {
        return delegate.portFor(id);
    }

    @Override
    public ProcessLauncher launcher() {
        return delegate.launcher();
    }

    @Override
    public java.util.concurrent.Executor spawner() {
        return delegate.spawner();
    }

    @Override
    public CompletableFuture<Void> readOutput(InstanceId id, LaunchedProcess process) {
        return delegate.readOutput(id, process);
    }

    @Override
    public Duration stopTimeout(InstanceId id) {
        return delegate.stopTimeout(id);
    }

    @Override
    public Signal stopSignal(InstanceId id) {
        return delegate.stopSignal(id);
    }

    @Override
    public Optional<Readiness> readiness(InstanceId id) {
        return delegate.readiness(id);
    }

    @Override
    public Optional<String> awaitedDependencies(InstanceId id) {
        return delegate.awaitedDependencies(id);
    }

    @Override
    public ReadinessProbe probe() {
        return delegate.probe();
    }

    @Override
    public java.util.concurrent.Executor prober() {
        return delegate.prober();
    }

    @Override
    public LogReadiness logReadiness() {
        return delegate.logReadiness();
    }

    @Override
    public void publish(InstanceController controller, InstanceLifecycle.Transition transition) {
        delegate.publish(controller, transition);
    }

    @Override
    public void event(InstanceId id, String text) {
        delegate.event(id, text);
    }

    @Override
    public void groupStarted(InstanceId id, long pgid) {
        delegate.groupStarted(id, pgid);
    }

    @Override
    public void groupEnded(InstanceId id, long pgid) {
        delegate.groupEnded(id, pgid);
    }

    @Override
    public void removed(InstanceController controller) {
        delegate.removed(controller);
    }

    @Override
    public void runEnded(InstanceController controller) {
        delegate.runEnded(controller);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> beforeStop(InstanceId id, int port) {
        return delegate.beforeStop(id, port);
    }
}
