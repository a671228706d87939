package dev.procdeck.supervisor;

import dev.procdeck.procfile.RestartMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Heroku's preboot for the type behind the router: restarting an instance that serves starts its replacement
 * first (on the other half of its port block), waits for the replacement's readiness, hands it the instance's
 * name (the router moves traffic to it), and only then drains and stops the old process. The old one keeps
 * serving if the replacement fails to start.
 *
 * <p>Replacements and replaced processes are controllers outside the supervisor's map of instances: their
 * transitions are logged ("web.1 replacement started …", "web.1 previous process stopped …") but never published
 * as the instance's state. Everything here runs on the supervision thread.
 */
final class Preboots {

    /** What preboot needs of its supervisor. */
    interface Slots {
        /** The controller that is the instance now, or null. */
        InstanceController current(InstanceId id);

        /** Makes {@code next} the instance in place of {@code previous} and publishes its state. */
        void replace(InstanceController previous, InstanceController next);

        void event(InstanceId id, String text);

        /** The instance's own port by the port rule. */
        int ownPort(InstanceId id);

        /** The supervisor's ports, which replacements use for everything but their port and their state. */
        InstanceController.Processes processes();

        InstanceController.ReadinessChecks checks();

        InstanceController.Plan plan();

        InstanceController.Owner owner();

        Clock clock();
    }

    private final Slots slots;
    /** Replacements starting, by the instance they will replace. */
    private final Map<InstanceId, InstanceController> starting = new LinkedHashMap<>();
    /** Replaced processes still stopping. */
    private final Set<InstanceController> stopping = new LinkedHashSet<>();

    Preboots(Slots slots) {
        this.slots = slots;
    }

    /**
     * Restarts {@code c} by preboot if it serves now and its replacement has a port; else false, and the caller
     * restarts it the ordinary way.
     */
    boolean restart(InstanceController c) {
        abort(c.id, "restarted again");
        if (c.life.state() != InstanceState.UP || !c.hasRun()) {
            return false;
        }
        int own = slots.ownPort(c.id);
        OptionalInt port = Ports.prebootPort(own, c.life.port(), c.id.number(), true);
        if (port.isEmpty()) {
            return false;
        }
        InstanceLifecycle life = new InstanceLifecycle(c.id, port.getAsInt(), RestartPolicy.of(RestartMode.NEVER),
                slots.clock());
        ReplacementOwner owner = new ReplacementOwner(c);
        InstanceController next = new InstanceController(c.id, life, slots.processes(), slots.checks(),
                new ReplacementPlan(port.getAsInt(), owner), owner);
        starting.put(c.id, next);
        slots.event(c.id, c.id.name() + " restarting with preboot: its replacement starts on port " + port.getAsInt()
                + " while it serves; traffic moves once the replacement is ready");
        next.start();
        return true;
    }

    /** Gives up a replacement that is starting for {@code id} (the instance is stopped, scaled away, ...). */
    void abort(InstanceId id, String why) {
        InstanceController next = starting.remove(id);
        if (next != null) {
            slots.event(id, id.name() + ": its replacement is stopped (" + why + ")");
            stopping.add(next);
            next.stop(StopIntent.RETIRE);
        }
    }

    void abortAll(String why) {
        for (InstanceId id : List.copyOf(starting.keySet())) {
            abort(id, why);
        }
    }

    /** True while a replacement starts or a replaced process stops. */
    boolean busy() {
        prune();
        return !starting.isEmpty() || !stopping.isEmpty();
    }

    void killNow() {
        starting.values().forEach(InstanceController::killNow);
        stopping.forEach(InstanceController::killNow);
    }

    /** Controllers outside the instance map that still have a process. */
    List<InstanceController> outside() {
        List<InstanceController> all = new ArrayList<>(starting.values());
        all.addAll(stopping);
        return all;
    }

    private void prune() {
        stopping.removeIf(c -> !c.hasRun());
    }

    /** A replacement's transition: logged, and acted on when it is ready or has failed. */
    private void replacementChanged(InstanceController previous, InstanceController next,
                                    InstanceLifecycle.Transition t) {
        if (t != null) {
            slots.event(next.id, next.id.name() + " replacement " + t.description());
        }
        if (starting.get(next.id) != next) {
            return; // given up already: it is only stopping
        }
        InstanceState state = next.life.state();
        if (state == InstanceState.UP) {
            starting.remove(next.id);
            if (slots.current(previous.id) != previous || previous.life.state() != InstanceState.UP) {
                slots.event(next.id, next.id.name() + ": the instance changed while its replacement started;"
                        + " stopping the replacement");
                stopping.add(next);
                next.stop(StopIntent.RETIRE);
                return;
            }
            slots.replace(previous, next); // the router now sends new requests to the replacement
            stopping.add(previous);
            previous.stop(StopIntent.RETIRE); // drained first (the stop gate), then its stop signal
        } else if (state != InstanceState.STARTING) {
            starting.remove(next.id);
            slots.event(next.id, next.id.name() + ": its replacement did not become ready; the running process"
                    + " keeps serving");
            if (next.hasRun()) {
                stopping.add(next);
                next.stop(StopIntent.RETIRE);
            }
        }
    }

    /** A transition of a controller outside the instance map (a replaced process stopping): logged only. */
    void outsideChanged(InstanceController c, InstanceLifecycle.Transition t) {
        if (t != null && !starting.containsValue(c)) {
            slots.event(c.id, c.id.name() + " previous process " + t.description());
        }
        prune();
    }

    /** The supervisor's plan, but with the replacement's own port, no dependencies, and a drain only once it serves. */
    private final class ReplacementPlan implements InstanceController.Plan {
        private final InstanceController.Plan base = slots.plan();
        private final int port;
        private final ReplacementOwner owner;

        ReplacementPlan(int port, ReplacementOwner owner) {
            this.port = port;
            this.owner = owner;
        }

        @Override
        public int portFor(InstanceId id) {
            return port;
        }

        @Override
        public Optional<LaunchSpec> launchSpec(InstanceId id, int launchPort) {
            return base.launchSpec(id, launchPort);
        }

        @Override
        public java.time.Duration stopTimeout(InstanceId id) {
            return base.stopTimeout(id);
        }

        @Override
        public dev.procdeck.os.Signal stopSignal(InstanceId id) {
            return base.stopSignal(id);
        }

        @Override
        public Optional<dev.procdeck.procfile.Readiness> readiness(InstanceId id) {
            return base.readiness(id);
        }

        @Override
        public Optional<String> awaitedDependencies(InstanceId id) {
            return Optional.empty(); // its predecessor's dependencies are up: it serves
        }

        @Override
        public CompletionStage<Void> beforeStop(InstanceId id, int stoppingPort) {
            // Once it took over it served, and keeps serving until the router drains it: also when it is itself
            // replaced by the next preboot, by which time it is no longer the instance (its successor is).
            if (owner.tookOver) {
                return base.beforeStop(id, stoppingPort);
            }
            return CompletableFuture.completedFuture(null); // never served: nothing to drain
        }
    }

    /** The supervisor as owner once the replacement is the instance; until then its transitions stay here. */
    private final class ReplacementOwner implements InstanceController.Owner {
        private final InstanceController.Owner base = slots.owner();
        private final InstanceController previous;
        /** It became the instance (and the router's) at least once: from then on it is drained before it stops. */
        private boolean tookOver;

        ReplacementOwner(InstanceController previous) {
            this.previous = previous;
        }

        @Override
        public void publish(InstanceController controller, InstanceLifecycle.Transition transition) {
            if (slots.current(controller.id) == controller) {
                base.publish(controller, transition); // it is the instance now
            } else if (starting.get(controller.id) == controller) {
                replacementChanged(previous, controller, transition);
                tookOver |= slots.current(controller.id) == controller; // ready: it replaced the previous process
            } else {
                outsideChanged(controller, transition);
            }
        }

        @Override
        public void event(InstanceId id, String text) {
            base.event(id, text);
        }

        @Override
        public void removed(InstanceController controller) {
            if (slots.current(controller.id) == controller) {
                base.removed(controller);
            } else {
                prune();
            }
        }

        @Override
        public void runEnded(InstanceController controller) {
            base.runEnded(controller);
        }
    }
}
