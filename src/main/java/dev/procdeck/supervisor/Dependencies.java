package dev.procdeck.supervisor;

import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * procdeck.yml's {@code depends_on} between the long-running types of a Procfile: which types each one waits for,
 * and the order to start them in (dependencies first; reversed for stopping). Only types of the Procfile that are
 * not scheduled count; a dependency that would close a cycle is ignored (and reported), so nothing waits for ever
 * on itself.
 */
final class Dependencies {
    private final Map<String, List<String>> direct;
    private final List<String> order;
    private final Map<String, Integer> level;
    private final List<String> ignoredCycles;

    private Dependencies(Map<String, List<String>> direct, List<String> order, Map<String, Integer> level,
                         List<String> ignoredCycles) {
        this.direct = direct;
        this.order = order;
        this.level = level;
        this.ignoredCycles = ignoredCycles;
    }

    static Dependencies of(Project project) {
        Map<String, List<String>> wanted = new LinkedHashMap<>();
        for (ProcessType type : project.procfile().types()) {
            if (project.config().isScheduled(type.name())) {
                continue;
            }
            List<String> deps = new ArrayList<>();
            for (String dep : project.config().type(type.name()).dependsOn()) {
                if (!dep.equals(type.name()) && project.procfile().type(dep).isPresent()
                        && !project.config().isScheduled(dep) && !deps.contains(dep)) {
                    deps.add(dep);
                }
            }
            wanted.put(type.name(), deps);
        }
        // Depth-first in Procfile order: each type after its dependencies; an edge back to a type still being
        // visited closes a cycle and is dropped.
        Map<String, List<String>> kept = new HashMap<>();
        List<String> order = new ArrayList<>();
        Map<String, Integer> level = new HashMap<>();
        List<String> cycles = new ArrayList<>();
        Set<String> visiting = new HashSet<>();
        for (String type : wanted.keySet()) {
            visit(type, wanted, kept, order, level, visiting, cycles);
        }
        return new Dependencies(kept, List.copyOf(order), level, List.copyOf(cycles));
    }

    private static void visit(String type, Map<String, List<String>> wanted, Map<String, List<String>> kept,
                              List<String> order, Map<String, Integer> level, Set<String> visiting,
                              List<String> cycles) {
        if (level.containsKey(type) || !visiting.add(type)) {
            return;
        }
        List<String> deps = new ArrayList<>();
        int depth = 0;
        for (String dep : wanted.getOrDefault(type, List.of())) {
            if (visiting.contains(dep)) {
                cycles.add(type + " \u2192 " + dep);
                continue;
            }
            visit(dep, wanted, kept, order, level, visiting, cycles);
            deps.add(dep);
            depth = Math.max(depth, level.get(dep) + 1);
        }
        visiting.remove(type);
        kept.put(type, List.copyOf(deps));
        level.put(type, depth);
        order.add(type);
    }

    /** The types {@code type} waits for (directly). */
    List<String> of(String type) {
        return direct.getOrDefault(type, List.of());
    }

    /** True when {@code dependent} waits for {@code dependency} directly. */
    boolean dependsOn(String dependent, String dependency) {
        return of(dependent).contains(dependency);
    }

    /** Long-running types, every one after the types it depends on (else in Procfile order). */
    List<String> startOrder() {
        return order;
    }

    /** Position of a type in {@link #startOrder()}, for sorting; unknown types last. */
    int rank(String type) {
        int i = order.indexOf(type);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    /** How many types long the longest chain of dependencies is (1 without depends_on). */
    int chainLength() {
        return level.values().stream().mapToInt(l -> l + 1).max().orElse(1);
    }

    /** Dependencies that were ignored because they close a cycle ("a → b"). */
    List<String> ignoredCycles() {
        return ignoredCycles;
    }
}
