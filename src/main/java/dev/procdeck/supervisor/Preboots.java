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

        /** The supervisor's host, which replacements use for everything but their port and their state. */
        InstanceController.Host host();

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
        InstanceController next = new InstanceController(c.id, life, new ReplacementHost(c, port.getAsInt()));
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

    /** The supervisor's host, but with the replacement's own port, no dependencies, and its state kept apart. */
    private final class ReplacementHost extends DelegatingHost {
        private final InstanceController previous;
        private final int port;
        private InstanceController self;

        ReplacementHost(InstanceController previous, int port) {
            super(slots.host());
            this.previous = previous;
            this.port = port;
        }

        @Override
        public int portFor(InstanceId id) {
            return port;
        }

        @Override
        public Optional<String> awaitedDependencies(InstanceId id) {
            return Optional.empty(); // its predecessor's dependencies are up: it serves
        }

        @Override
        public void publish(InstanceController controller, InstanceLifecycle.Transition transition) {
            self = controller;
            if (slots.current(controller.id) == controller) {
                super.publish(controller, transition); // it is the instance now
                return;
            }
            if (starting.get(controller.id) == controller) {
                replacementChanged(previous, controller, transition);
            } else {
                outsideChanged(controller, transition);
            }
        }

        @Override
        public void removed(InstanceController controller) {
            if (slots.current(controller.id) == controller) {
                super.removed(controller);
            } else {
                prune();
            }
        }

        @Override
        public CompletionStage<Void> beforeStop(InstanceId id, int stoppingPort) {
            if (slots.current(id) == self || self == null) {
                return super.beforeStop(id, stoppingPort);
            }
            return CompletableFuture.completedFuture(null); // never served: nothing to drain
        }
    }
}
