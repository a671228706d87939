package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's model without any window, on real asynchronous executors: an io thread, and a thread standing
 * in for the FX thread ({@link ModelThread}) on which the test calls the model and pulses it.
 */
class DashboardViewModelTest extends DashboardModelFixture {
    private Path project(String name, String procfile) throws Exception {
        Path p = Files.createDirectories(dir.resolve(name));
        Files.writeString(p.resolve("Procfile"), procfile);
        return p;
    }

    private void open(Path p) throws Exception {
        fx.call(() -> model.openProject(p)).get(20, TimeUnit.SECONDS);
    }

    private void reload() throws Exception {
        fx.call(model::reload).get(20, TimeUnit.SECONDS);
    }

    private List<InstanceRow> rows(String type) {
        return fx.call(() -> model.types().stream().filter(t -> t.typeName().equals(type)).findFirst()
                .map(t -> List.copyOf(t.instances())).orElse(List.of()));
    }

    private TypeRow typeRow(String type) {
        return fx.call(() -> model.types().stream().filter(t -> t.typeName().equals(type)).findFirst().orElseThrow());
    }

    private <T> T onFx(java.util.concurrent.Callable<T> what) {
        return fx.call(what);
    }

    private void pulseUntil(String what, BooleanSupplier condition) {
        Await.until(Duration.ofSeconds(15), () -> fx.call(() -> {
            pulse();
            return condition.getAsBoolean();
        }), what);
    }

    private boolean allUp(String type, int n) {
        List<InstanceRow> r = model.types().stream().filter(t -> t.typeName().equals(type)).findFirst()
                .map(t -> List.copyOf(t.instances())).orElse(List.of());
        return r.size() == n && r.stream().allMatch(i -> i.instanceState() == InstanceState.UP);
    }

    @Test
    void scaleIsSavedPerProjectAndRestored() throws Exception {
        Path a = project("a", "web: exec sleep 1000\nworker: exec sleep 1000\n");
        open(a);
        fx.run(() -> model.scale("web", 3));
        pulseUntil("three web rows", () -> rows("web").size() == 3);
        assertThat(onFx(() -> model.formationProperty().get())).isEqualTo("web=3,worker=1");
        Await.until(Duration.ofSeconds(10), () -> new Workspace(prefs).formation(a.toAbsolutePath())
                .equals(java.util.Optional.of("web=3,worker=1")), "the formation saved");
        open(project("b", "web: exec sleep 1000\n"));
        open(a);
        pulseUntil("restored", () -> rows("web").size() == 3);
        assertThat(onFx(() -> model.types().get(0).scaleProperty().get())).isEqualTo(3);
    }

    @Test
    void closingTheDashboardStopsWholeTreesIncludingDoubleForkedGrandchildren() throws Exception {
        dev.procdeck.testing.ProcessProbe probe = new dev.procdeck.testing.ProcessProbe();
        Path p = project("tree", "tree: sh -c 'sleep 1000 & wait' & (sleep 1000 &); exec sleep 1000\n");
        Files.writeString(p.resolve(".env"), probe.name + "=" + probe.value + "\n");
        open(p);
        fx.run(model::startAll);
        Await.until(Duration.ofSeconds(15), () -> probe.livePids().size() >= 4, () -> "tree: " + probe.livePids());
        fx.call(model::shutdown).get(20, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), () -> probe.livePids().isEmpty(), () -> "left: " + probe.livePids());
    }

    @Test
    void eventsOfThePreviousProjectNeverReachTheNewOne() throws Exception {
        open(project("a", "web: exec sleep 1000\n"));
        fx.run(() -> model.scale("web", 3));
        fx.run(model::startAll);
        pulseUntil("three up", () -> allUp("web", 3));
        open(project("b", "web: exec sleep 1000\n"));
        pulseUntil("b's single stopped row", () -> rows("web").size() == 1);
        for (int i = 0; i < 5; i++) {
            fx.run(model::pulse);
        }
        assertThat(rows("web")).singleElement().satisfies(r -> {
            assertThat(r.instanceState()).isEqualTo(InstanceState.STOPPED);
            assertThat(r.snapshot().pid()).isEqualTo(-1);
        });
    }

    @Test
    void aReloadQueuedBeforeAnotherFolderOpensNeverTouchesIt() throws Exception {
        Path a = project("a", "web: exec sleep 1000\nold: exec sleep 1000\n");
        Path b = project("b", "api: exec sleep 1000\n");
        open(a);
        // The user reloads a while b is opening: the reload belongs to a, which is no longer current.
        CompletableFuture<?>[] both = fx.call(() -> new CompletableFuture<?>[] {model.openProject(b), model.reload()});
        CompletableFuture.allOf(both).get(20, TimeUnit.SECONDS);
        pulseUntil("b's row", () -> rows("api").size() == 1);
        assertThat(onFx(() -> model.types().stream().map(TypeRow::typeName).toList())).containsExactly("api");
        assertThat(onFx(() -> model.projectRootProperty().get())).isEqualTo(b.toAbsolutePath());
        assertThat(onFx(() -> model.formationProperty().get())).isEqualTo("api=1");
        assertThat(onFx(() -> model.console().types())).containsExactly("api");
    }

    @Test
    void reloadThatDropsARunningTypeStopsItKeepsItsRowUntilItIsGoneAndAddsNewTypesRunning() throws Exception {
        Path p = project("r", "web: exec sleep 1000\nbad: exec sleep 1000\n");
        open(p);
        fx.run(model::startAll);
        pulseUntil("both up", () -> allUp("web", 1) && allUp("bad", 1));
        Files.writeString(p.resolve("Procfile"), "web: exec sleep 1001\nclock: exec sleep 1000\n");
        reload();
        pulseUntil("bad removed, clock up, web told to restart", () -> rows("bad").isEmpty()
                && model.types().stream().noneMatch(t -> t.typeName().equals("bad"))
                && allUp("clock", 1)
                && rows("web").get(0).stateProperty().get().equals("up \u00b7 restart to apply"));
        assertThat(onFx(() -> model.types().stream().map(TypeRow::typeName).toList())).containsExactly("web", "clock");
        assertThat(onFx(() -> model.formationProperty().get())).isEqualTo("web=1,clock=1");
        // The engine announces the reload; the console shows it.
        pulseUntil("the reload announced", () -> model.console().allLines().stream()
                .anyMatch(l -> l.text().startsWith("reloaded Procfile: +clock, \u2212bad")));
    }

    @Test
    void aTypeAddedWhileStoppedGetsScaleOneAndStartAllStartsIt() throws Exception {
        Path p = project("s", "web: exec sleep 1000\n");
        open(p);
        Files.writeString(p.resolve("Procfile"), "web: exec sleep 1000\nclock: exec sleep 1000\n");
        reload();
        pulseUntil("clock's row at scale 1", () -> rows("clock").size() == 1);
        assertThat(typeRow("clock").scaleProperty().get()).isEqualTo(1);
        assertThat(onFx(() -> model.formationProperty().get())).isEqualTo("web=1,clock=1");
        fx.run(model::startAll);
        pulseUntil("web and clock up", () -> allUp("web", 1) && allUp("clock", 1));
    }

    @Test
    void aReorderedTypeTakesTheColourOfItsNewPositionOnItsSwatchItsInstancesAndTheConsole() throws Exception {
        Path p = project("c", "web: exec sleep 1000\nworker: exec sleep 1000\n");
        open(p);
        fx.run(model::startAll);
        pulseUntil("both up", () -> allUp("web", 1) && allUp("worker", 1));
        assertThat(typeRow("web").colourIndex()).isZero();
        assertThat(typeRow("worker").colourIndex()).isEqualTo(1);
        Map<String, Integer>[] told = new Map[1];
        fx.run(() -> model.setOnTypesChanged(m -> told[0] = m));
        Files.writeString(p.resolve("Procfile"), "worker: exec sleep 1000\nweb: exec sleep 1000\nnew: exec sleep 1000\n");
        reload();
        pulseUntil("new up", () -> allUp("new", 1));
        assertThat(typeRow("worker").colourIndex()).isZero();
        assertThat(typeRow("web").colourIndex()).isEqualTo(1);
        assertThat(typeRow("new").colourIndex()).isEqualTo(2);
        assertThat(rows("web")).allSatisfy(r -> assertThat(r.colourIndex()).isEqualTo(1));
        assertThat(rows("worker")).allSatisfy(r -> assertThat(r.colourIndex()).isZero());
        assertThat(onFx(() -> told[0])).isEqualTo(Map.of("worker", 0, "web", 1, "new", 2));
        // Their ports moved too (the Procfile position is their port block): each is told to restart to apply.
        pulseUntil("both marked", () -> rows("web").get(0).stateProperty().get().equals("up \u00b7 restart to apply")
                && rows("worker").get(0).stateProperty().get().equals("up \u00b7 restart to apply"));
    }

    @Test
    void aFolderThatCannotOpenLeavesNothingOfThePreviousProjectAndIsNotRecent() throws Exception {
        Path good = project("good", "web: exec sleep 1000\nworker: exec sleep 1000\n");
        open(good);
        fx.run(() -> model.console().setHiddenTypes(java.util.Set.of("worker")));
        Path broken = project("broken", "web: a\nweb: b\n");
        open(broken);
        assertThat(onFx(() -> model.types())).isEmpty();
        assertThat(onFx(() -> model.formationProperty().get())).isEmpty();
        assertThat(onFx(() -> List.copyOf(model.console().types()))).isEmpty();
        assertThat(onFx(() -> model.console().filterProperty().get().hiddenTypes())).isEmpty();
        assertThat(onFx(() -> model.loadedProperty().get())).isFalse();
        assertThat(onFx(() -> model.placeholderProperty().get()))
                .contains("Procfile:2: error: duplicate process type 'web'").contains("Fix");
        assertThat(onFx(() -> List.copyOf(model.recentProjects()))).contains(good.toAbsolutePath())
                .doesNotContain(broken.toAbsolutePath());
        assertThat(new Workspace(prefs).recentProjects()).doesNotContain(broken.toAbsolutePath());

        Path empty = Files.createDirectories(dir.resolve("empty"));
        open(empty);
        assertThat(onFx(() -> model.placeholderProperty().get())).contains("no Procfile found");
        assertThat(new Workspace(prefs).recentProjects()).doesNotContain(empty.toAbsolutePath());
    }

    @Test
    void theInstanceFilterListsInstancesThatExistAndMarksGoneOnesWithLinesInMemory() throws Exception {
        open(project("i", "web: echo \"hi from $PS\"; exec sleep 1000\n"));
        fx.run(() -> model.scale("web", 4));
        fx.run(model::startAll);
        pulseUntil("four up and talking", () -> allUp("web", 4) && model.console().allLines().stream()
                .filter(l -> l.text().startsWith("hi from")).count() == 4);
        fx.run(() -> model.scale("web", 2));
        pulseUntil("two rows", () -> rows("web").size() == 2);
        pulseUntil("the filter knows", () -> model.console().instanceLabel("web.3").contains("gone"));
        assertThat(onFx(() -> model.console().instanceLabel("web.2"))).isEqualTo("web.2");
        fx.run(() -> model.console().clear()); // the gone instances' lines leave memory: so do they
        pulseUntil("only what exists", () -> model.console().instances().equals(List.of("web.1", "web.2")));
    }

    @Test
    void aCrashNoticeQuotesTheConsolesLineForTheCrashWithItsTime() throws Exception {
        // Found: the toast said "restarting in 1 s" with no time while the console's line (with its own time) went on;
        // read later, the two told different restart times. Now both come from the one transition.
        open(project("t", "crash: sleep 1; exit 3\n"));
        fx.run(model::startAll);
        pulseUntil("a crash notice", () -> !model.crashNotices().isEmpty());
        String notice = onFx(() -> model.crashNotices().get(0).message());
        pulseUntil("the crash in the console", () -> model.console().allLines().stream()
                .anyMatch(l -> l.instance().equals("crash.1") && l.text().startsWith("crash.1 crashed")));
        dev.procdeck.logs.LogLine line = onFx(() -> model.console().allLines().stream()
                .filter(l -> l.instance().equals("crash.1") && l.text().startsWith("crash.1 crashed")).findFirst()
                .orElseThrow());
        String time = CrashNotifier.CLOCK.format(line.time().atZone(java.time.ZoneId.systemDefault()));
        assertThat(notice).isEqualTo(time + " " + line.text().substring("crash.1 ".length()));
        assertThat(notice).contains("restarting");
        fx.run(model::stopAll);
    }

    @Test
    void aCrashNoticeGoesOnStopAll() throws Exception {
        open(project("k", "crash: sleep 1; exit 3\n"));
        fx.run(model::startAll);
        pulseUntil("a crash notice", () -> !model.crashNotices().isEmpty());
        assertThat(onFx(() -> model.crashNotices().get(0).instance())).isEqualTo("crash.1");
        fx.run(model::stopAll);
        assertThat(onFx(() -> List.copyOf(model.crashNotices()))).isEmpty();
        pulseUntil("stopped", () -> rows("crash").get(0).instanceState() == InstanceState.STOPPED);
        assertThat(onFx(() -> List.copyOf(model.crashNotices()))).isEmpty();
    }

    @Test
    void afterStopAllTypeRowsShowNoCpuOrMemoryAndAFailedReloadIsLogged() throws Exception {
        Path p = project("m", "web: exec sleep 1000\n");
        open(p);
        fx.run(model::startAll);
        TypeRow web = typeRow("web");
        pulseUntil("a memory figure for web", () -> !web.memoryProperty().get().isEmpty());
        fx.run(model::stopAll);
        pulseUntil("web stopped and its figures gone", () -> rows("web").get(0).instanceState() == InstanceState.STOPPED
                && web.memoryProperty().get().isEmpty() && web.cpuProperty().get().isEmpty());
        Files.writeString(p.resolve("Procfile"), "web: exec sleep 1000\nweb: twice\n");
        reload();
        pulseUntil("the failure logged", () -> model.console().allLines().stream()
                .anyMatch(l -> l.text().startsWith("reload failed")));
        assertThat(onFx(() -> model.formationProperty().get())).isEqualTo("web=1");
    }

    @Test
    void soloOnAnInstanceWhoseLinesLeftMemoryReadsThemFromTheSessionLogAndSaveCoversTheWholeSession() throws Exception {
        // A console of 1000 lines: the noisy instance loses its early lines, the quiet one keeps all of its own.
        open(project("h", "quiet: echo quiet-first; exec sleep 1000\nnoisy: sleep 1; seq 1 5000; exec sleep 1000\n"));
        fx.run(model::startAll);
        pulseUntil("the flood in", () -> model.console().allLines().stream().anyMatch(l -> l.text().equals("5000"))
                && model.console().allLines().stream().anyMatch(l -> l.text().equals("quiet-first")));
        assertThat(onFx(() -> model.console().stats("quiet.1").orElseThrow().complete())).isTrue();
        assertThat(onFx(() -> model.console().stats("noisy.1").orElseThrow().complete())).isFalse();
        Path sessionLog = onFx(() -> model.console().sessionLog());
        assertThat(sessionLog).isNotNull();
        // The session log is written by a thread of its own: wait until it holds the whole flood.
        Await.until(Duration.ofSeconds(15), () -> {
            try {
                return Files.readString(sessionLog.resolve("output-0001.log")).contains("noisy.1 | 5000\n");
            } catch (java.io.IOException e) {
                return false;
            }
        }, "the flood on disk");
        fx.run(() -> model.console().solo("noisy.1"));
        // Reading 5,000 lines back on a busy two-core machine with a cold JIT has taken over 15 s in CI.
        Await.until(Duration.ofSeconds(45), () -> fx.call(() -> {
            pulse();
            return model.console().memoryStatusProperty().get().contains("read from the session log");
        }), () -> "older lines read back; " + fx.call(() -> model.console().memoryStatusProperty().get()
                + "; disk: " + model.console().diskActivityProperty().get()));
        List<Integer> numbers = onFx(() -> model.console().visibleLines().stream()
                .filter(l -> l.stream() != dev.procdeck.logs.LogStream.SYSTEM).map(l -> Integer.parseInt(l.text())).toList());
        // Memory's newest lines and the disk's older ones join without a gap or a repeat.
        assertThat(numbers.size()).isGreaterThan(onFx(() -> model.console().stats("noisy.1").orElseThrow().kept()));
        for (int i = 1; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).as("line after %d", numbers.get(i - 1)).isEqualTo(numbers.get(i - 1) + 1);
        }
        assertThat(numbers.get(numbers.size() - 1)).isEqualTo(5000);
        assertThat(onFx(() -> model.console().visibleLines())).noneMatch(l -> l.instance().equals("quiet.1"));
        assertThat(onFx(() -> model.console().memoryStatusProperty().get())).contains("noisy.1: newest");

        Path whole = dir.resolve("whole.log");
        assertThat(fx.call(() -> model.console().save(whole, false, java.time.ZoneOffset.UTC)).get(20, TimeUnit.SECONDS))
                .isGreaterThanOrEqualTo(5001);
        assertThat(Files.readAllLines(whole)).anyMatch(l -> l.endsWith("noisy.1 | 1")).anyMatch(l -> l.endsWith("noisy.1 | 5000"))
                .anyMatch(l -> l.endsWith("quiet.1 | quiet-first"));
        Path filtered = dir.resolve("noisy.log");
        fx.call(() -> model.console().save(filtered, true, java.time.ZoneOffset.UTC)).get(20, TimeUnit.SECONDS);
        assertThat(Files.readAllLines(filtered).stream().filter(l -> l.contains("noisy.1 | ")).count()).isEqualTo(5000);
        assertThat(Files.readAllLines(filtered)).noneMatch(l -> l.contains("quiet.1 | ") || l.contains("quiet-first"));
    }
}
