package dev.procdeck.ui;

import dev.procdeck.os.ProcessMetrics;
import dev.procdeck.procfile.Procfile;
import dev.procdeck.runtime.RunningApp;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.JobStatus;
import java.util.List;
import java.util.Map;

/**
 * What the app told on a pulse, applied to what the window shows: rows, crash notices, scheduled jobs and the
 * console's types. The same for every kind of app. FX thread only.
 */
final class RowUpdates implements RunningApp.Updates {
    private final ProcessTableModel table;
    private final CrashNotifier notifier;
    private final ScheduledJobsModel jobs;
    private final ConsoleViewModel console;
    private final Runnable onTypesChanged;
    private String ended;

    RowUpdates(ProcessTableModel table, CrashNotifier notifier, ScheduledJobsModel jobs, ConsoleViewModel console,
               Runnable onTypesChanged) {
        this.table = table;
        this.notifier = notifier;
        this.jobs = jobs;
        this.console = console;
        this.onTypesChanged = onTypesChanged;
    }

    @Override
    public void typesChanged(Procfile types) {
        table.setTypes(types);
        console.setProject(types.typeNames());
        onTypesChanged.run();
    }

    @Override
    public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
        if (table.apply(snapshot)) {
            notifier.onChange(snapshot, transition);
        }
    }

    @Override
    public void instanceRemoved(InstanceId id) {
        table.remove(id);
        notifier.instanceGone(id.name());
    }

    @Override
    public void scaleChanged(String type, int count) {
        table.applyEngineScale(type, count);
    }

    @Override
    public void usage(Map<String, ProcessMetrics.Usage> byInstance) {
        table.applyUsage(byInstance);
    }

    @Override
    public void jobs(List<JobStatus> statuses, boolean complete) {
        jobs.apply(statuses, complete);
    }

    @Override
    public void ended(String why) {
        ended = why;
    }

    /** The end told on this pulse, once, or null. */
    String takeEnded() {
        String why = ended;
        ended = null;
        return why;
    }
}
