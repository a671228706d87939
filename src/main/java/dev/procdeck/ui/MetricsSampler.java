package dev.procdeck.ui;

import dev.procdeck.os.ProcessMetrics;
import dev.procdeck.router.RequestStats;
import dev.procdeck.router.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * CPU and memory per instance, every {@link #EVERY}: the rows' process groups are read on the {@code io}
 * executor (that is /proc I/O) and the figures land on the {@code fx} executor, on rows that still run the
 * same process. At most one sample is in flight. Rows of types whose instances all stopped lose their figures.
 * The router's request figures are sampled at the same time, on the FX thread: they are counters in memory.
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

    /** On the FX thread, each pulse: starts a sample when one is due (no router). */
    void maybeSample(Instant now, List<TypeRow> types) {
        maybeSample(now, types, seconds -> Optional.empty());
    }

    /**
     * On the FX thread, each pulse: starts a sample when one is due, with {@code router}'s figures (the app's
     * {@link dev.procdeck.runtime.RunningApp#routerFigures}) for the routed type's rows.
     */
    void maybeSample(Instant now, List<TypeRow> types, IntFunction<Optional<Router.Figures>> router) {
        if (inFlight || Duration.between(last, now).compareTo(EVERY) < 0) {
            return;
        }
        last = now;
        sampleRequests(types, router);
        if (!supported) {
            return;
        }
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

    /**
     * Each row of the routed type gets a point for its line (the requests of the sample period) and its figure
     * (the last few seconds); every other row, and every row when no router runs, shows none.
     */
    private static void sampleRequests(List<TypeRow> types, IntFunction<Optional<Router.Figures>> router) {
        int period = (int) EVERY.toSeconds();
        Optional<Router.Figures> point = router.apply(period);
        Optional<Router.Figures> recent = point.isEmpty() ? point : router.apply(RequestFigures.RECENT_SECONDS);
        for (TypeRow t : types) {
            if (point.isEmpty() || recent.isEmpty() || !point.get().type().equals(t.typeName())) {
                t.setRouterUrl("");
                t.requests.clear();
                t.instances().forEach(i -> i.requests.clear());
                continue;
            }
            t.setRouterUrl(point.get().url());
            t.requests.add(point.get().total(), recent.get().total());
            for (InstanceRow i : t.instances()) {
                String name = i.id().name();
                Optional<RequestStats.Window> p = point.get().instance(name);
                if (p.isPresent() || i.instanceState().hasProcess()) {
                    // One that runs but is not in the rotation yet (starting, not ready) gets no requests: 0.
                    i.requests.add(p.orElse(RequestStats.Window.EMPTY),
                            recent.get().instance(name).orElse(RequestStats.Window.EMPTY));
                } else {
                    i.requests.clear();
                }
            }
        }
    }

    /** Whether a sample is being read now (tests wait for it to land). */
    boolean inFlight() {
        return inFlight;
    }
}
