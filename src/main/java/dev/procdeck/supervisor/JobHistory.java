package dev.procdeck.supervisor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest runs of one scheduled type (or of all one-offs), at most {@code limit}: a run is updated in place
 * while it goes on, and the oldest is forgotten once the limit is passed. Written on the supervision thread,
 * read from any (the dashboard).
 */
final class JobHistory {
    private final int limit;
    private final Map<String, JobRun> runs = new LinkedHashMap<>();

    JobHistory(int limit) {
        this.limit = limit;
    }

    synchronized void put(JobRun run) {
        runs.put(run.name(), run); // an update keeps its place: the order is the order of starts
        while (runs.size() > limit) {
            runs.remove(runs.keySet().iterator().next());
        }
    }

    /** Most recent first. */
    synchronized List<JobRun> newestFirst() {
        List<JobRun> list = new ArrayList<>(runs.values());
        Collections.reverse(list);
        return List.copyOf(list);
    }

    /** The most recent run that is over, or null. */
    synchronized JobRun lastEnded() {
        JobRun last = null;
        for (JobRun r : runs.values()) {
            if (r.outcome().over()) {
                last = r;
            }
        }
        return last;
    }
}
