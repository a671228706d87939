package dev.procdeck.supervisor;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The order of a full stop ({@link Supervisor#stopAll()}): dependents first, and each instance of a type only
 * once every instance of the types depending on it is down (procdeck.yml's {@code depends_on}, reversed).
 * Holds the instances still waiting for their dependents; runs on the supervision thread.
 */
final class StopOrder {
    /** Instances that stop once the instances of the types depending on them are down. */
    private final Set<InstanceId> stopsAfterDependents = new LinkedHashSet<>();
    private boolean advancing;

    /** A start or restart cancels the waiting stop of everything. */
    void clear() {
        stopsAfterDependents.clear();
    }

    /** A start or restart of one instance cancels its waiting stop. */
    void remove(InstanceId id) {
        stopsAfterDependents.remove(id);
    }

    void addAll(Collection<InstanceId> ids) {
        stopsAfterDependents.addAll(ids);
    }

    boolean isEmpty() {
        return stopsAfterDependents.isEmpty();
    }

    /** The types of the instances still waiting for their dependents, each once. */
    List<String> waitingTypes() {
        return stopsAfterDependents.stream().map(InstanceId::type).distinct().toList();
    }

    /**
     * Stops every waiting instance whose dependents are all down, until none is left that may stop.
     *
     * @param hasRun true while a process (or what is left of its group) exists for the instance
     * @param stop   stops one instance
     */
    <C> void advance(Map<InstanceId, C> instances, Predicate<C> hasRun, Consumer<C> stop, Dependencies dependencies) {
        if (advancing) {
            return; // the loop below is running further up this thread's stack and will see the change
        }
        advancing = true;
        try {
            boolean progress = true;
            while (progress && !stopsAfterDependents.isEmpty()) {
                progress = false;
                for (InstanceId id : List.copyOf(stopsAfterDependents)) {
                    C c = instances.get(id);
                    if (c == null) {
                        stopsAfterDependents.remove(id);
                    } else if (!dependentsRunning(id.type(), instances, hasRun, dependencies)) {
                        stopsAfterDependents.remove(id);
                        stop.accept(c);
                        progress = true;
                    }
                }
            }
        } finally {
            advancing = false;
        }
    }

    private <C> boolean dependentsRunning(String type, Map<InstanceId, C> instances, Predicate<C> hasRun,
                                          Dependencies d) {
        for (Map.Entry<InstanceId, C> c : instances.entrySet()) {
            if (d.dependsOn(c.getKey().type(), type)
                    && (stopsAfterDependents.contains(c.getKey()) || hasRun.test(c.getValue()))) {
                return true;
            }
        }
        return false;
    }
}
