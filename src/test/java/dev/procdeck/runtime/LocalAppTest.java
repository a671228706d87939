package dev.procdeck.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.procfile.Procfile;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectLoader;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.JobStatus;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.supervisor.SupervisorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app a window shows for a project of its own: what its supervisor tells, queued for the window's pulse. */
class LocalAppTest {
    @TempDir
    Path dir;

    private LocalApp app;

    @AfterEach
    void close() throws Exception {
        if (app != null) {
            app.close().get(20, TimeUnit.SECONDS);
        }
    }

    private LocalApp open(String procfile, String yml) throws Exception {
        Files.writeString(dir.resolve("Procfile"), procfile);
        if (yml != null) {
            Files.writeString(dir.resolve("procdeck.yml"), yml);
        }
        Project p = ProjectLoader.load(dir, null, List.of(), System.getenv());
        app = LocalApp.start(p, SupervisorSettings.defaults(5000), new PosixProcessLauncher(), Clock.systemUTC(),
                System.getenv(), null, List.of(), List.of());
        return app;
    }

    /** What one drain told, in order, as words. */
    private static final class Told implements RunningApp.Updates {
        final List<String> events = new ArrayList<>();

        @Override
        public void typesChanged(Procfile types) {
            events.add("types");
        }

        @Override
        public void instanceChanged(InstanceSnapshot snapshot, InstanceLifecycle.Transition transition) {
            events.add("changed " + snapshot.name());
        }

        @Override
        public void instanceRemoved(InstanceId id) {
            events.add("removed " + id.name());
        }

        @Override
        public void scaleChanged(String type, int count) {
            events.add("scale " + type + "=" + count);
        }

        @Override
        public void jobs(List<JobStatus> statuses, boolean complete) {
            statuses.forEach(s -> events.add("job " + s.type()));
        }
    }

    @Test
    void whatTheSupervisorTellsOnItsThreadIsDrainedInOrderOnceAndOnlyAfterAskedFor() throws Exception {
        open("web: exec sleep 1000\nreport: echo reported\n", "types:\n  report:\n    schedule: \"every 1h\"\n");
        app.supervisor().setFormation(Map.of("web", 1)).get(10, TimeUnit.SECONDS);
        Told before = new Told();
        assertThat(app.drainTo(before)).as("nothing is kept for a caller that never drains").isFalse();

        app.queueUpdates();
        for (int n = 2; n <= 4; n++) {
            app.supervisor().setFormation(Map.of("web", n)).get(10, TimeUnit.SECONDS);
        }
        app.supervisor().setFormation(Map.of("web", 1)).get(10, TimeUnit.SECONDS);
        Told told = new Told();
        assertThat(app.drainTo(told)).isTrue();
        assertThat(told.events).containsSubsequence("scale web=2", "scale web=3", "scale web=4", "scale web=1");
        assertThat(told.events).containsSubsequence("changed web.4", "removed web.4");
        assertThat(told.events).contains("job report");
        assertThat(app.drainTo(new Told())).as("each once").isFalse();
    }

    @Test
    void aReloadAddsNewTypesWithOneInstanceAndTheRestOfTheRunKeepsGoing() throws Exception {
        open("web: exec sleep 1000\n", null);
        Files.writeString(dir.resolve("Procfile"), "web: exec sleep 1000\nclock: exec sleep 1000\n");
        Project next = ProjectLoader.load(dir, null, List.of(), System.getenv());
        assertThat(app.reload(next)).containsExactly("clock");
        assertThat(app.project()).contains(next);
        assertThat(app.capabilities()).containsAll(List.of(RunningApp.Capability.values()));
    }

    /** A command the window still sends as the JVM goes (F5 pressed just then) starts nothing nobody would stop. */
    @Test
    void afterStopForExitCommandsStartNothing() throws Exception {
        open("web: exec sleep 1000\n", null);
        app.supervisor().setFormation(Map.of("web", 1)).get(10, TimeUnit.SECONDS);
        app.stopForExit(java.time.Duration.ofSeconds(1));
        app.act(RunningApp.Action.START, null);
        app.act(RunningApp.Action.RESTART, "web");
        app.scale("web", 3);
        // Queued behind whatever the commands asked of the supervisor's thread: once done, they have run.
        app.supervisor().setFormation(Map.of("web", 1)).get(10, TimeUnit.SECONDS);
        assertThat(app.supervisor().snapshots()).noneMatch(InstanceSnapshot::hasProcess);
    }
}
