package dev.procdeck.runtime;

import dev.procdeck.procfile.Project;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A project whose files are read here while another procdeck runs it ({@link #runner()}): nothing is started or
 * shown as running here, since a second formation would fight the first over its ports. Its files can be
 * reloaded and exported; driving it means attaching to that procdeck.
 */
public final class ElsewhereApp extends InertApp {
    private static final Set<Capability> CAPABILITIES = Set.of(Capability.PROJECT_FILES);

    private final ControlClient.Target runner;
    private final dev.procdeck.logs.LogBus notes;
    private volatile Project project;

    /** {@code listeners} hear this window's own lines about the project ({@link #note}): its console. */
    public ElsewhereApp(Project project, ControlClient.Target runner, java.time.Clock clock,
                        List<dev.procdeck.logs.LogListener> listeners) {
        this.project = project;
        this.runner = runner;
        this.notes = new dev.procdeck.logs.LogBus(clock);
        listeners.forEach(notes::addListener);
    }

    /** The procdeck that runs the project. */
    public ControlClient.Target runner() {
        return runner;
    }

    @Override
    public Set<String> reload(Project next) {
        project = next;
        return Set.of();
    }

    @Override
    public void note(String text) {
        notes.event(dev.procdeck.logs.LogLine.PROCDECK, text);
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Optional<Project> project() {
        return Optional.of(project);
    }
}
