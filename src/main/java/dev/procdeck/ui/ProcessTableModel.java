package dev.procdeck.ui;

import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Procfile;
import dev.procdeck.supervisor.Formation;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The process table's rows: one {@link TypeRow} per process type of the Procfile (plus, while they stop, types
 * a reload removed), each with its {@link InstanceRow}s. It mirrors the engine: instance rows come and go with
 * the supervisor's events, a type's scale is the engine's count, and a change of scale by the user goes to
 * {@code onUserScale}. Colours follow Procfile positions ({@link TypeColours}). FX thread only.
 */
final class ProcessTableModel {
    /** Memory quotas by type, for the instance rows (see {@link #setMemoryQuotas}). */
    private Map<String, Long> memoryQuotas = Map.of();
    private final ObservableList<TypeRow> types = FXCollections.observableArrayList();
    private final BiConsumer<String, Integer> onUserScale;
    private Procfile procfile;
    private boolean applyingEngineScale;

    ProcessTableModel(BiConsumer<String, Integer> onUserScale) {
        this.onUserScale = onUserScale;
    }

    ObservableList<TypeRow> types() {
        return types;
    }

    /** Nothing open (another project, or a folder that failed to open): no rows, no colours. */
    void clear() {
        types.clear();
        procfile = null;
    }

    /**
     * Adopts the types of a (re)loaded Procfile: rows of types that stay keep their instances, scale and
     * colour, in the new order; new types get a row; a removed type keeps its row while it has instances.
     */
    void setTypes(Procfile next) {
        procfile = next;
        Map<String, TypeRow> existing = new LinkedHashMap<>();
        types.forEach(t -> existing.put(t.typeName(), t));
        List<TypeRow> rows = new ArrayList<>();
        for (ProcessType type : next.types()) {
            TypeRow row = existing.remove(type.name());
            if (row == null) {
                row = new TypeRow(type, TypeColours.of(type));
                TypeRow r = row;
                row.scaleProperty().addListener((o, was, now) -> {
                    if (!applyingEngineScale) {
                        onUserScale.accept(r.typeName(), now.intValue());
                    }
                });
            }
            row.setCommand(type.command());
            if (row.colourIndex() != TypeColours.of(type)) {
                row.setColourIndex(TypeColours.of(type));
                row.instances().forEach(i -> i.setColourIndex(TypeColours.of(type)));
            }
            rows.add(row);
        }
        for (TypeRow gone : existing.values()) {
            if (!gone.instances().isEmpty()) {
                gone.setCommand("(removed from the Procfile; stopping)");
                rows.add(gone);
            }
        }
        types.setAll(rows);
    }

    /** Type name → colour index, for the console's prefixes: as the rows wear them. */
    Map<String, Integer> colourIndex() {
        Map<String, Integer> colours = new java.util.HashMap<>();
        types.forEach(t -> colours.put(t.typeName(), t.colourIndex()));
        return Map.copyOf(colours);
    }

    Optional<TypeRow> type(String name) {
        return types.stream().filter(t -> t.typeName().equals(name)).findFirst();
    }

    /** Creates or updates the instance's row; false if its type has no row (a stale event). */
    boolean apply(InstanceSnapshot s) {
        Optional<TypeRow> type = type(s.id().type());
        if (type.isEmpty()) {
            return false;
        }
        ObservableList<InstanceRow> rows = type.get().instances();
        for (InstanceRow row : rows) {
            if (row.id().equals(s.id())) {
                row.update(s);
                return true;
            }
        }
        int at = 0;
        while (at < rows.size() && rows.get(at).id().number() < s.id().number()) {
            at++;
        }
        InstanceRow added = new InstanceRow(s, type.get().colourIndex());
        added.memoryQuota = memoryQuotas.getOrDefault(s.id().type(), 0L);
        rows.add(at, added);
        return true;
    }

    /** procdeck.yml's {@code memory:} by type (bytes), drawn as a line on each instance's memory sparkline. */
    void setMemoryQuotas(Map<String, Long> quotas) {
        memoryQuotas = Map.copyOf(quotas);
        types.forEach(t -> t.instances().forEach(i -> i.memoryQuota = memoryQuotas.getOrDefault(t.typeName(), 0L)));
    }

    /** What every instance row shows now, by instance. */
    Map<InstanceId, InstanceSnapshot> snapshots() {
        Map<InstanceId, InstanceSnapshot> shown = new java.util.HashMap<>();
        types.forEach(t -> t.instances().forEach(i -> shown.put(i.id(), i.snapshot())));
        return shown;
    }

    /**
     * CPU and memory measured elsewhere (an attached procdeck's {@code ps}), by instance name: rows without a
     * figure lose theirs, and each type sums its instances'.
     */
    void applyUsage(Map<String, dev.procdeck.os.ProcessMetrics.Usage> usage) {
        for (TypeRow t : types) {
            t.instances().forEach(i -> i.usage(usage.get(i.id().name())));
            t.aggregateUsage();
        }
    }

    void remove(InstanceId id) {
        type(id.type()).ifPresent(t -> {
            t.instances().removeIf(r -> r.id().equals(id));
            boolean stillInProcfile = procfile != null && procfile.type(t.typeName()).isPresent();
            if (t.instances().isEmpty() && !stillInProcfile) {
                types.remove(t);
            }
        });
    }

    /** Sets a row's scale to the engine's count without telling the engine back. */
    void applyEngineScale(String type, int count) {
        type(type).ifPresent(t -> {
            applyingEngineScale = true;
            try {
                t.scaleProperty().set(count);
            } finally {
                applyingEngineScale = false;
            }
        });
    }

    /** The formation the rows show, for types the Procfile has now, in its order. */
    Map<String, Integer> formation() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TypeRow t : types) {
            if (procfile == null || procfile.type(t.typeName()).isPresent()) {
                counts.put(t.typeName(), t.scaleProperty().get());
            }
        }
        return counts;
    }

    /** The formation as saved for the project: scheduled types included, whose count turns their schedule on. */
    String formationText() {
        return procfile == null ? "" : Formation.format(formation());
    }

    /** The formation as the header shows it: scheduled types run on their schedule and are not part of it. */
    String formationSummary(Set<String> scheduled) {
        if (procfile == null) {
            return "";
        }
        Map<String, Integer> counts = new LinkedHashMap<>(formation());
        counts.keySet().removeAll(scheduled);
        return Formation.format(counts);
    }

    /** Names of the instances that exist now (have a row). */
    Set<String> instanceNames() {
        Set<String> names = new LinkedHashSet<>();
        types.forEach(t -> t.instances().forEach(i -> names.add(i.id().name())));
        return names;
    }

    /** Refreshes clocks and summaries; returns how many instances have a live process. */
    int tick(Instant now) {
        int live = 0;
        for (TypeRow t : types) {
            for (InstanceRow i : t.instances()) {
                i.tick(now);
                if (i.instanceState().hasProcess()) {
                    live++;
                }
            }
            t.summarize(now);
        }
        return live;
    }
}
