package dev.procdeck.supervisor;

import dev.procdeck.procfile.Overlap;
import java.time.Instant;
import java.util.List;

/**
 * What the dashboard shows of one scheduled type at one moment. Immutable.
 *
 * @param type     the process type
 * @param schedule the schedule as written in procdeck.yml ({@code every 2s}, {@code 0 3 * * *})
 * @param overlap  what a tick does while a run is still going
 * @param enabled  its ticks run: the formation runs and gives the type a count above 0
 * @param nextRun  the next tick, or null while not enabled
 * @param running  names of its runs going on now (more than one only with {@link Overlap#ALLOW})
 * @param queued   a tick is waiting for the current run to end ({@link Overlap#QUEUE})
 * @param lastRun  the latest run that is over, or null
 * @param skipped  ticks skipped this session because a run was still going (or the tick was missed)
 */
public record JobStatus(String type, String schedule, Overlap overlap, boolean enabled, Instant nextRun,
                        List<String> running, boolean queued, JobRun lastRun, int skipped) {

    public JobStatus {
        running = List.copyOf(running);
    }
}
