package dev.procdeck.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogLine;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectLoader;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.supervisor.SupervisorSettings;
import dev.procdeck.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's app runs the release phase before Start all and before a reload that changes commands. */
class LocalAppReleaseTest {
    private static final int BASE = 30000 + new java.util.Random().nextInt(300) * 100;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private LocalApp app;
    private final List<LogLine> lines = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void close() throws Exception {
        if (app != null) {
            app.close().get(20, TimeUnit.SECONDS);
        }
    }

    private Project load(String procfile) throws Exception {
        Files.writeString(dir.resolve("Procfile"), procfile);
        return ProjectLoader.load(dir, null, List.of(), System.getenv());
    }

    private void open(String procfile) throws Exception {
        app = LocalApp.start(load(procfile), SupervisorSettings.defaults(BASE), new PosixProcessLauncher(),
                Clock.systemUTC(), System.getenv(), null, List.of(),
                List.of(dev.procdeck.logs.LogListener.ofLines(lines::addAll)));
    }

    private List<String> texts(String instance) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.instance().equals(instance)).map(LogLine::text).toList();
        }
    }

    @Test
    void startAllWithAFailingReleaseSaysSoAndStartsNothing() throws Exception {
        open("web: touch web-ran; exec sleep 1000\nrelease: echo cannot migrate; exit 4\n");
        app.supervisor().setFormation(java.util.Map.of("web", 1)).get(10, TimeUnit.SECONDS);
        app.act(RunningApp.Action.START, null);
        Await.until(WAIT, () -> texts(LogLine.PROCDECK).stream().anyMatch(l -> l.startsWith("release phase failed")),
                () -> "the failure in the console, got " + lines);
        assertThat(texts(LogLine.PROCDECK)).anyMatch(l -> l.matches("release phase failed: release\\.1 exited 4 after"
                + " .*; nothing was started \\(fix it and press Start all again\\)"));
        assertThat(texts("release.1")).contains("cannot migrate");
        assertThat(app.supervisor().snapshots()).allMatch(s -> s.state() == InstanceState.STOPPED && s.pid() < 0);
        assertThat(dir.resolve("web-ran")).doesNotExist();
        assertThat(app.supervisor().scale()).as("release is not part of the formation").containsOnlyKeys("web");
    }

    @Test
    void aReloadThatChangesCommandsRunsTheReleaseFirst() throws Exception {
        open("web: exec sleep 1000\nrelease: echo released\n");
        app.supervisor().setFormation(java.util.Map.of("web", 1)).get(10, TimeUnit.SECONDS);
        app.act(RunningApp.Action.START, null);
        Await.until(WAIT, () -> app.supervisor().snapshots().stream().anyMatch(s -> s.state() == InstanceState.UP),
                () -> "web.1 up, got " + lines);
        assertThat(texts("release.1")).containsOnlyOnce("released");

        app.reload(load("web: exec sleep 999\nrelease: echo released\n"));
        Await.until(WAIT, () -> texts("release.1").stream().filter("released"::equals).count() == 2,
                () -> "a second release, got " + lines);
        app.reload(load("web: exec sleep 999\nrelease: echo released\nworker: exec sleep 998\n"));
        Await.until(WAIT, () -> app.supervisor().scale().getOrDefault("worker", 0) == 1,
                () -> "worker added after the release, got " + lines);
        assertThat(texts("release.1").stream().filter("released"::equals).count()).isEqualTo(3);
    }
}
