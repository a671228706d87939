package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.testing.Await;
import dev.procdeck.runtime.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's model without any window: executors run inline, pulses are called by the test. */
class DashboardViewModelTest {
    @TempDir
    Path dir;

    private final Preferences prefs = Preferences.userRoot().node("dev/procdeck-test/" + UUID.randomUUID());
    private final DashboardViewModel model = new DashboardViewModel(new Workspace(prefs), new PosixProcessLauncher(),
            Runnable::run, Runnable::run, Clock.systemUTC(), System.getenv(), 1000);

    @AfterEach
    void tearDown() throws Exception {
        model.shutdown().get(20, TimeUnit.SECONDS);
        prefs.removeNode();
    }

    private Path project(String name, String procfile) throws Exception {
        Path p = Files.createDirectories(dir.resolve(name));
        Files.writeString(p.resolve("Procfile"), procfile);
        return p;
    }

    private List<InstanceRow> rows(String type) {
        return model.types().stream().filter(t -> t.typeName().equals(type)).findFirst()
                .map(t -> List.copyOf(t.instances())).orElse(List.of());
    }

    private void pulseUntil(String what, java.util.function.BooleanSupplier condition) {
        Await.until(Duration.ofSeconds(15), () -> {
            model.pulse();
            return condition.getAsBoolean();
        }, what);
    }

    @Test
    void scaleIsSavedPerProjectAndRestored() throws Exception {
        Path a = project("a", "web: exec sleep 1000\nworker: exec sleep 1000\n");
        model.openProject(a).get();
        model.scale("web", 3);
        pulseUntil("three web rows", () -> rows("web").size() == 3);
        assertThat(model.formationProperty().get()).isEqualTo("web=3,worker=1");
        assertThat(new Workspace(prefs).formation(a.toAbsolutePath())).contains("web=3,worker=1");
        model.openProject(project("b", "web: exec sleep 1000\n")).get();
        model.openProject(a).get();
        pulseUntil("restored", () -> rows("web").size() == 3);
        assertThat(model.types().get(0).scaleProperty().get()).isEqualTo(3);
    }

    @Test
    void closingTheDashboardStopsWholeTreesIncludingDoubleForkedGrandchildren() throws Exception {
        dev.procdeck.testing.ProcessProbe probe = new dev.procdeck.testing.ProcessProbe();
        Path p = project("tree", "tree: sh -c 'sleep 1000 & wait' & (sleep 1000 &); exec sleep 1000\n");
        Files.writeString(p.resolve(".env"), probe.name + "=" + probe.value + "\n");
        model.openProject(p).get();
        model.startAll();
        Await.until(Duration.ofSeconds(15), () -> probe.livePids().size() >= 4, () -> "tree: " + probe.livePids());
        model.shutdown().get(20, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), () -> probe.livePids().isEmpty(), () -> "left: " + probe.livePids());
    }

    @Test
    void eventsOfThePreviousProjectNeverReachTheNewOne() throws Exception {
        model.openProject(project("a", "web: exec sleep 1000\n")).get();
        model.scale("web", 3);
        model.startAll();
        pulseUntil("three up", () -> rows("web").size() == 3
                && rows("web").stream().allMatch(r -> r.instanceState() == InstanceState.UP));
        model.openProject(project("b", "web: exec sleep 1000\n")).get();
        pulseUntil("b's single stopped row", () -> rows("web").size() == 1);
        for (int i = 0; i < 5; i++) {
            model.pulse();
        }
        assertThat(rows("web")).singleElement().satisfies(r -> {
            assertThat(r.instanceState()).isEqualTo(InstanceState.STOPPED);
            assertThat(r.snapshot().pid()).isEqualTo(-1);
        });
    }

    @Test
    void reloadThatDropsARunningTypeStopsItKeepsItsRowUntilItIsGoneAndAddsNewTypesRunning() throws Exception {
        Path p = project("r", "web: exec sleep 1000\nbad: exec sleep 1000\n");
        model.openProject(p).get();
        model.startAll();
        pulseUntil("both up", () -> rows("web").size() == 1 && rows("bad").size() == 1
                && rows("bad").get(0).instanceState() == InstanceState.UP);
        Files.writeString(p.resolve("Procfile"), "web: exec sleep 1001\nclock: exec sleep 1000\n");
        model.reload().get(10, TimeUnit.SECONDS);
        pulseUntil("bad removed, clock up, web told to restart", () -> rows("bad").isEmpty()
                && model.types().stream().noneMatch(t -> t.typeName().equals("bad"))
                && rows("clock").size() == 1 && rows("clock").get(0).instanceState() == InstanceState.UP
                && rows("web").get(0).stateProperty().get().equals("up \u00b7 restart to apply"));
        assertThat(model.types()).extracting(TypeRow::typeName).containsExactly("web", "clock");
        assertThat(model.formationProperty().get()).isEqualTo("web=1,clock=1");
    }

    @Test
    void afterStopAllTypeRowsShowNoCpuOrMemoryAndAFailedReloadIsLogged() throws Exception {
        Path p = project("m", "web: exec sleep 1000\n");
        model.openProject(p).get();
        model.startAll();
        TypeRow web = model.types().get(0);
        pulseUntil("a memory figure for web", () -> !web.memoryProperty().get().isEmpty());
        model.stopAll();
        pulseUntil("web stopped and its figures gone", () -> rows("web").get(0).instanceState() == InstanceState.STOPPED
                && web.memoryProperty().get().isEmpty() && web.cpuProperty().get().isEmpty());
        Files.writeString(p.resolve("Procfile"), "web: exec sleep 1000\nweb: twice\n");
        model.reload().get(10, TimeUnit.SECONDS);
        model.pulse();
        assertThat(model.console().allLines()).anyMatch(l -> l.text().startsWith("reload failed"));
    }
}
