package dev.procdeck.ui;

import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.SupervisorListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Carries supervisor events (told on the supervisor's thread) to the FX thread, where they are applied in
 * batches on each pulse rather than one FX update per event. Every event carries the generation of the
 * project whose supervisor told it; {@link #drain} drops those of any generation that is not current, so the
 * previous project (still stopping) never touches the rows of the one opened since.
 */
final class EventBridge {
    /** What a supervisor told. */
    sealed interface Event permits Changed, Removed, Scaled {
    }

    record Changed(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) implements Event {
    }

    record Removed(InstanceId id) implements Event {
    }

    record Scaled(String type, int count) implements Event {
    }

    private record Tagged(long generation, Event event) {
    }

    private final List<Tagged> pending = new ArrayList<>();

    /** A listener to add to the supervisor of {@code generation}. Its calls only queue; they never wait. */
    SupervisorListener listenerFor(long generation) {
        return new SupervisorListener() {
            @Override
            public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
                queue(generation, new Changed(snapshot, transition));
            }

            @Override
            public void instanceRemoved(InstanceId id) {
                queue(generation, new Removed(id));
            }

            @Override
            public void scaleChanged(String type, int count) {
                queue(generation, new Scaled(type, count));
            }
        };
    }

    private void queue(long generation, Event event) {
        synchronized (pending) {
            pending.add(new Tagged(generation, event));
        }
    }

    /** Takes what was told since the last drain, in order, keeping only events of a current generation. */
    List<Event> drain(LongPredicate current) {
        List<Tagged> taken;
        synchronized (pending) {
            if (pending.isEmpty()) {
                return List.of();
            }
            taken = new ArrayList<>(pending);
            pending.clear();
        }
        List<Event> out = new ArrayList<>(taken.size());
        for (Tagged t : taken) {
            if (current.test(t.generation())) {
                out.add(t.event());
            }
        }
        return out;
    }
}
