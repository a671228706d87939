package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.os.ProcessMetrics;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.ExitStatus;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each part of the dashboard's model on its own, with real threads where the part crosses threads. */
class DashboardPartsTest {
    @TempDir
    Path dir;

    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-io"));
    private final ModelThread fx = new ModelThread("test-fx");

    @AfterEach
    void tearDown() {
        io.shutdownNow();
        fx.close();
    }

    private static InstanceSnapshot snapshot(String type, int n, InstanceState state, long pid, ExitStatus exit) {
        return new InstanceSnapshot(new InstanceId(type, n), 5000 + n, state, Instant.EPOCH, pid, Instant.EPOCH, 0, exit,
                null, "", null, InstanceLifecycle.StopPhase.NONE, false, null);
    }

    private static dev.procdeck.procfile.Procfile procfile(String text) {
        try {
            return ProcfileParser.parse("Procfile", text);
        } catch (dev.procdeck.procfile.ProjectFileException e) {
            throw new AssertionError(e);
        }
    }

    // ---- metrics sampler ------------------------------------------------------------------------------

    @Test
    void metricsAreReadOffTheFxThreadAndLandOnItForRowsThatStillRunTheSameProcess() {
        AtomicReference<String> readOn = new AtomicReference<>();
        MetricsSampler sampler = new MetricsSampler(io, fx, groups -> {
            readOn.set(Thread.currentThread().getName());
            return Map.of(41L, new ProcessMetrics.Usage(12.5, 3L * 1024 * 1024), 42L, new ProcessMetrics.Usage(1, 1024));
        }, true);
        ProcessTableModel table = new ProcessTableModel((t, n) -> { });
        fx.run(() -> {
            table.setTypes(procfile("web: x\n"));
            table.apply(snapshot("web", 1, InstanceState.UP, 41, null));
            table.apply(snapshot("web", 2, InstanceState.STOPPED, -1, null));
            sampler.maybeSample(Instant.EPOCH.plusSeconds(10), table.types());
        });
        Await.until(Duration.ofSeconds(10), () -> fx.call(() -> !sampler.inFlight()), "the sample to land");
        assertThat(readOn.get()).isEqualTo("test-io");
        assertThat(fx.call(() -> table.types().get(0).instances().get(0).cpuProperty().get())).isEqualTo("12.5 %");
        assertThat(fx.call(() -> table.types().get(0).memoryProperty().get())).isEqualTo("3.0 MiB");
        assertThat(fx.call(() -> table.types().get(0).instances().get(1).cpuProperty().get())).isEmpty();
        // Not again before two seconds have passed.
        readOn.set(null);
        fx.run(() -> sampler.maybeSample(Instant.EPOCH.plusSeconds(11), table.types()));
        assertThat(fx.call(sampler::inFlight)).isFalse();
        assertThat(readOn.get()).isNull();
    }

    // ---- crash notifier -------------------------------------------------------------------------------

    @Test
    void aCrashIsToldOnceInItsQuietPeriodAndGoesWhenTheInstanceIsStoppedOrOnClear() {
        Instant[] now = {Instant.EPOCH};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        CrashNotifier notifier = new CrashNotifier(clock, () -> true);
        InstanceSnapshot crashed = snapshot("web", 1, InstanceState.BACKING_OFF, -1, new ExitStatus(3));
        InstanceLifecycle.Transition crash = new InstanceLifecycle.Transition(InstanceState.UP, InstanceState.BACKING_OFF,
                Instant.EPOCH, "exited with code 3");
        notifier.onChange(crashed, crash);
        assertThat(notifier.current()).extracting(DashboardViewModel.CrashNotice::instance).containsExactly("web.1");
        notifier.onChange(snapshot("web", 1, InstanceState.UP, 9, new ExitStatus(3)), null);
        assertThat(notifier.current()).as("up again after a back-off: still worth knowing").hasSize(1);
        notifier.onChange(snapshot("web", 1, InstanceState.STOPPED, -1, new ExitStatus(3)), null);
        assertThat(notifier.current()).isEmpty();
        now[0] = now[0].plusSeconds(5);
        notifier.onChange(crashed, crash); // within the quiet period: not told again
        assertThat(notifier.current()).isEmpty();
        now[0] = now[0].plus(CrashNotifier.QUIET);
        notifier.onChange(crashed, crash);
        assertThat(notifier.current()).hasSize(1);
        notifier.clear();
        assertThat(notifier.current()).isEmpty();
        // A clean exit is no crash.
        now[0] = now[0].plus(CrashNotifier.QUIET);
        notifier.onChange(snapshot("web", 1, InstanceState.EXITED, -1, new ExitStatus(0)),
                new InstanceLifecycle.Transition(InstanceState.UP, InstanceState.EXITED, now[0], "exited"));
        assertThat(notifier.current()).isEmpty();
    }

    // ---- table model and colours ---------------------------------------------------------------------

    @Test
    void rowsFollowTheProcfileAndTheirColourItsPositionThroughReorderAndRemoval() {
        List<String> userScales = new ArrayList<>();
        ProcessTableModel table = new ProcessTableModel((t, n) -> userScales.add(t + "=" + n));
        table.setTypes(procfile("web: a\nworker: b\n"));
        table.apply(snapshot("web", 1, InstanceState.UP, 10, null));
        table.applyEngineScale("web", 1);
        table.applyEngineScale("worker", 0);
        assertThat(userScales).isEmpty(); // the engine's counts are not sent back to it
        table.setTypes(procfile("clock: c\nworker: b\nweb: a\n"));
        assertThat(table.types()).extracting(TypeRow::typeName).containsExactly("clock", "worker", "web");
        assertThat(table.type("web").orElseThrow().colourIndex()).isEqualTo(2);
        assertThat(table.type("web").orElseThrow().instances()).singleElement()
                .satisfies(r -> assertThat(r.colourIndex()).isEqualTo(2));
        assertThat(table.type("worker").orElseThrow().colourIndex()).isEqualTo(1);
        assertThat(table.type("clock").orElseThrow().colourIndex()).isZero();
        assertThat(table.formationText()).isEqualTo("clock=0,worker=0,web=1");
        // web leaves the Procfile: its row stays while its instance stops, then goes.
        table.setTypes(procfile("clock: c\nworker: b\n"));
        assertThat(table.type("web")).isPresent();
        assertThat(table.formationText()).isEqualTo("clock=0,worker=0");
        table.remove(new InstanceId("web", 1));
        assertThat(table.type("web")).isEmpty();
        table.type("worker").orElseThrow().scaleProperty().set(3);
        assertThat(userScales).containsExactly("worker=3");
        table.clear();
        assertThat(table.types()).isEmpty();
        assertThat(table.formationText()).isEmpty();
    }

    @Test
    void aStaleEventForATypeWithoutARowChangesNothing() {
        ProcessTableModel table = new ProcessTableModel((t, n) -> { });
        table.setTypes(procfile("web: a\n"));
        assertThat(table.apply(snapshot("gone", 1, InstanceState.UP, 10, null))).isFalse();
        assertThat(table.instanceNames()).isEmpty();
    }

    // ---- opener and preferences -------------------------------------------------------------------------

    @Test
    void eachOpenIsANewGenerationAndAReloadOfAnOlderOneIsSkipped() throws Exception {
        Preferences prefs = Preferences.userRoot().node("dev/procdeck-test/" + UUID.randomUUID());
        try {
            ProjectOpener opener = new ProjectOpener(io, new ProjectPreferences(new Workspace(prefs), io), Map.of());
            Path a = Files.createDirectories(dir.resolve("a"));
            Files.writeString(a.resolve("Procfile"), "web: x\n");
            ProjectOpener.Loaded first = opener.open(a, () -> { }, g -> { }).get(10, TimeUnit.SECONDS);
            assertThat(first.ok()).isTrue();
            assertThat(opener.isCurrent(first.generation())).isTrue();
            if (first.session() != null) {
                first.session().close();
            }
            Path broken = Files.createDirectories(dir.resolve("broken"));
            Files.writeString(broken.resolve("Procfile"), "web: a\nweb: b\n");
            ProjectOpener.Loaded second = opener.open(broken, () -> { }, g -> { }).get(10, TimeUnit.SECONDS);
            assertThat(second.ok()).isFalse();
            assertThat(second.errors()).singleElement().satisfies(p -> assertThat(p.toString()).contains("Procfile:2"));
            assertThat(opener.isCurrent(first.generation())).isFalse();
            ProjectOpener.Loaded stale = opener.reload(first.generation(), a, false).get(10, TimeUnit.SECONDS);
            assertThat(stale.ok()).as("a stale reload reads nothing").isFalse();
            assertThat(new Workspace(prefs).recentProjects()).containsExactly(a.toAbsolutePath());
        } finally {
            prefs.removeNode();
        }
    }

    @Test
    void preferencesAreWrittenOffTheCallersThreadAndReadBack() throws Exception {
        Preferences prefs = Preferences.userRoot().node("dev/procdeck-test/" + UUID.randomUUID());
        try {
            ProjectPreferences p = new ProjectPreferences(new Workspace(prefs), io);
            Path project = Files.createDirectories(dir.resolve("p"));
            p.saveFormation(project, "web=2");
            p.setStartOnOpen(project, true);
            p.setCrashNotifications(false);
            ProjectPreferences.Remembered r = io.submit(() -> p.read(project)).get(10, TimeUnit.SECONDS);
            assertThat(r.formation()).contains("web=2");
            assertThat(r.startOnOpen()).isTrue();
            assertThat(p.readGlobal().get(10, TimeUnit.SECONDS).crashNotifications()).isFalse();
        } finally {
            prefs.removeNode();
        }
    }

    @Test
    void aTypeWearsTheSameColourInTheWindowThatRunsItAndInOneAttachedToIt() throws Exception {
        // Found: the owning window gave a type added by a reload the lowest free colour, the attached window gave
        // colours in the order of its rows: "new" was the third colour in one and the first in the other.
        ProcessTableModel owning = new ProcessTableModel((t, n) -> { });
        owning.setTypes(ProcfileParser.parse("Procfile", "web: a\nworker: b\n"));
        owning.setTypes(ProcfileParser.parse("Procfile", "new: c\nworker: b\nweb: a\n")); // the reload
        ProcessTableModel attached = new ProcessTableModel((t, n) -> { });
        List<dev.procdeck.procfile.ProcessType> remote = new ArrayList<>();
        for (String name : List.of("new", "worker", "web")) { // ps lists the types in Procfile order
            remote.add(new dev.procdeck.procfile.ProcessType(name, "x", remote.size(), remote.size() + 1));
        }
        attached.setTypes(new dev.procdeck.procfile.Procfile("(attached)", remote, List.of()));
        assertThat(owning.colourIndex()).isEqualTo(attached.colourIndex())
                .isEqualTo(Map.of("new", 0, "worker", 1, "web", 2));
    }

    @Test
    void aTypesColourIsItsProcfilePositionAndMovesWithItOnItsInstancesToo() throws Exception {
        ProcessTableModel table = new ProcessTableModel((t, n) -> { });
        table.setTypes(ProcfileParser.parse("Procfile", "web: a\nworker: b\n"));
        InstanceSnapshot web1 = new InstanceSnapshot(new InstanceId("web", 1), 5000, InstanceState.UP, Instant.EPOCH, 7,
                Instant.EPOCH, 0, null, null, "up", null, InstanceLifecycle.StopPhase.NONE, false, null);
        table.apply(web1);
        assertThat(table.type("web").orElseThrow().instances().get(0).colourIndex()).isZero();
        table.setTypes(ProcfileParser.parse("Procfile", "worker: b\nweb: a\n"));
        assertThat(table.colourIndex()).isEqualTo(Map.of("worker", 0, "web", 1));
        assertThat(table.type("web").orElseThrow().instances().get(0).colourIndex()).isEqualTo(1);
        assertThat(TypeColours.of(new dev.procdeck.procfile.ProcessType("clock", "c", 5, 6))).isEqualTo(5);
    }

    @Test
    void memoryReadsAsProcdeckPsPrintsIt() {
        // The same figure as PsFormatTest gives ps: one formatter, binary units.
        assertThat(DeckRow.bytes(22_440_000L)).isEqualTo("21.4 MiB").isEqualTo(dev.procdeck.os.ByteSize.format(22_440_000L));
        assertThat(DeckRow.bytes(900_000L)).isEqualTo("878 KiB");
        assertThat(DeckRow.bytes(3L << 30)).isEqualTo("3.00 GiB");
        assertThat(DeckRow.bytes(0)).isEmpty();
    }
}
