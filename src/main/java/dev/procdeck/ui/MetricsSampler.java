package dev.procdeck.ui;

import dev.procdeck.os.ProcessMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * CPU and memory per instance, every {@link #EVERY}: the rows' process groups are read on the {@code io}
 * executor (that is /proc I/O) and the figures land on the {@code fx} executor, on rows that still run the
 * same process. At most one sample is in flight. Rows of types whose instances all stopped lose their figures.
 */
final class MetricsSampler {
    static final Duration EVERY = Duration.ofSeconds(2);

    private final Executor io;
    private final Executor fx;
    private final Function<Set<Long>, Map<Long, ProcessMetrics.Usage>> sample;
    private final boolean supported;
    private Instant last = Instant.EPOCH;
    private boolean inFlight;

    MetricsSampler(Executor io, Executor fx) {
        this(io, fx, new ProcessMetrics()::sample, ProcessMetrics.supported());
    }

    MetricsSampler(Executor io, Executor fx, Function<Set<Long>, Map<Long, ProcessMetrics.Usage>> sample,
                   boolean supported) {
        this.io = io;
        this.fx = fx;
        this.sample = sample;
        this.supported = supported;
    }

    /** On the FX thread, each pulse: starts a sample when one is due. */
    void maybeSample(Instant now, List<TypeRow> types) {
        if (inFlight || !supported || Duration.between(last, now).compareTo(EVERY) < 0) {
            return;
        }
        last = now;
        Map<Long, InstanceRow> byGroup = new HashMap<>();
        for (TypeRow t : types) {
            for (InstanceRow i : t.instances()) {
                if (i.snapshot().pid() > 0 && i.instanceState().hasProcess()) {
                    byGroup.put(i.snapshot().pid(), i);
                }
            }
        }
        if (byGroup.isEmpty()) {
            types.forEach(TypeRow::aggregateUsage); // nothing runs: no figures left from the last sample
            return;
        }
        inFlight = true;
        Set<Long> groups = Set.copyOf(byGroup.keySet());
        List<TypeRow> rows = List.copyOf(types);
        io.execute(() -> {
            Map<Long, ProcessMetrics.Usage> usage;
            try {
                usage = sample.apply(groups);
            } catch (RuntimeException e) {
                usage = Map.of();
            }
            Map<Long, ProcessMetrics.Usage> got = usage;
            fx.execute(() -> {
                inFlight = false;
                byGroup.forEach((pgid, row) -> {
                    if (row.snapshot().pid() == pgid) {
                        row.usage(got.get(pgid));
                    }
                });
                rows.forEach(TypeRow::aggregateUsage);
            });
        });
    }

    /** Whether a sample is being read now (tests wait for it to land). */
    boolean inFlight() {
        return inFlight;
    }
}
