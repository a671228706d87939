package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.os.Signal;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectConfig;
import dev.procdeck.procfile.Readiness;
import dev.procdeck.procfile.RestartMode;
import dev.procdeck.procfile.TypeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The parts of supervision that need no supervisor: per-type settings ({@link TypeSettings}), launch specs
 * ({@link LaunchSpecs}), the port rule for one instance ({@link Ports#forInstance}) and the order of a full stop
 * ({@link StopOrder}), each on a plain {@link Project}.
 */
class SupervisorPartsTest {
    private static final String PROCFILE = "web: serve\nworker: work\ndb: database\n";

    private static Project project(String procfile, Map<String, String> dotEnv, Map<String, TypeConfig> types) {
        try {
            return new Project(Path.of("/app"), Path.of("/app/Procfile"), ProcfileParser.parse("Procfile", procfile),
                    dotEnv, List.of(Path.of("/app/.env")),
                    new ProjectConfig(Path.of("/app/procdeck.yml"), Map.of(), types, List.of()));
        } catch (dev.procdeck.procfile.ProjectFileException e) {
            throw new AssertionError(e);
        }
    }

    // ---- TypeSettings ---------------------------------------------------------------------------------------

    @Test
    void procdeckYmlsSettingsWinOverTheSupervisorsAndTheRestComeFromIt() {
        Project p = project(PROCFILE, Map.of(), Map.of(
                "web", TypeConfig.DEFAULTS.withStopSignal("SIGINT").withStopTimeout(Duration.ofSeconds(30))
                        .withRestart(RestartMode.ON_FAILURE).withMaxRestarts(3)
                        .withReady(new Readiness(Readiness.Kind.HTTP, "/health", null)),
                "worker", TypeConfig.DEFAULTS.withStopSignal("quit")));
        SupervisorSettings settings = SupervisorSettings.defaults(5000).withStopTimeout(Duration.ofSeconds(7))
                .withDefaultPolicy(RestartPolicy.of(RestartMode.NEVER));
        TypeSettings types = new TypeSettings(() -> p, settings);

        assertThat(types.stopSignal("web")).isEqualTo(Signal.INT);
        assertThat(types.stopSignal("worker")).isEqualTo(Signal.QUIT);
        assertThat(types.stopSignal("db")).isEqualTo(Signal.TERM);
        assertThat(types.stopTimeout("web")).isEqualTo(Duration.ofSeconds(30));
        assertThat(types.stopTimeout("db")).isEqualTo(Duration.ofSeconds(7));
        assertThat(types.policy("web").mode()).isEqualTo(RestartMode.ON_FAILURE);
        assertThat(types.policy("web").maxRestarts()).isEqualTo(3);
        assertThat(types.policy("db")).isEqualTo(RestartPolicy.of(RestartMode.NEVER));
        assertThat(types.readiness("web")).map(Readiness::describe).contains("http /health");
        assertThat(types.readiness("db")).isEmpty();
        // The longest stop timeout for each link of the longest depends_on chain: none here, so one link.
        assertThat(types.stopBudget(Dependencies.of(p))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aFullStopMayTakeTheLongestTimeoutForEachLinkOfTheLongestChain() {
        Project p = project(PROCFILE, Map.of(), Map.of(
                "web", TypeConfig.DEFAULTS.withDependsOn(List.of("worker")),
                "worker", TypeConfig.DEFAULTS.withDependsOn(List.of("db")).withStopTimeout(Duration.ofSeconds(9))));
        TypeSettings types = new TypeSettings(() -> p, SupervisorSettings.defaults(5000));
        assertThat(types.stopBudget(Dependencies.of(p))).isEqualTo(Duration.ofSeconds(27));
    }

    // ---- LaunchSpecs ----------------------------------------------------------------------------------------

    @Test
    void anInstanceLaunchesItsTypesCommandWithTheEnvironmentProcdeckBuildsMarkedAsOurs() {
        Project p = project(PROCFILE, Map.of("FROM_DOTENV", "1", "HOME", "/elsewhere"),
                Map.of("worker", TypeConfig.DEFAULTS.withEnv(Map.of("OWN", "yes")).withTty(true)));
        LaunchSpecs specs = new LaunchSpecs(Map.of("HOME", "/root", "PATH", "/bin"), "123-abc");

        LaunchSpec worker = specs.instance(p, new InstanceId("worker", 2), 5101).orElseThrow();
        assertThat(worker.name()).isEqualTo("worker.2");
        assertThat(worker.command()).isEqualTo("work");
        assertThat(worker.workingDirectory()).isEqualTo(Path.of("/app"));
        assertThat(worker.tty()).isTrue();
        assertThat(worker.environment()).containsEntry("PORT", "5101").containsEntry("PS", "worker.2")
                .containsEntry("DYNO", "worker.2").containsEntry("OWN", "yes").containsEntry("FROM_DOTENV", "1")
                .containsEntry("HOME", "/elsewhere").containsEntry("PATH", "/bin")
                .containsEntry(Supervisor.MARK_VARIABLE, "123-abc");
        // What procdeck set, for the Environment view: neither its marker nor what it passed on unchanged.
        assertThat(specs.setByProcdeck(worker)).containsOnlyKeys("PORT", "PS", "DYNO", "OWN", "FROM_DOTENV", "HOME",
                "PYTHONUNBUFFERED");
        assertThat(specs.instance(p, new InstanceId("gone", 1), 5300)).isEmpty();
    }

    @Test
    void aRunTakesItsOwnCommandAndItsTypesEnvironmentWithPipes() {
        Project p = project(PROCFILE, Map.of("FROM_DOTENV", "1"),
                Map.of("worker", TypeConfig.DEFAULTS.withEnv(Map.of("OWN", "yes")).withTty(true)));
        LaunchSpecs specs = new LaunchSpecs(Map.of(), "123-abc");

        LaunchSpec job = specs.run(p, new InstanceId("worker", 3), "worker", "scheduler.3", "work --once", 40000);
        assertThat(job.command()).isEqualTo("work --once");
        assertThat(job.tty()).isFalse();
        assertThat(job.environment()).containsEntry("OWN", "yes").containsEntry("DYNO", "scheduler.3")
                .containsEntry("PORT", "40000").containsEntry(Supervisor.MARK_VARIABLE, "123-abc");
        LaunchSpec oneOff = specs.run(p, new InstanceId("run", 1), null, "run.1", "ls", 40001);
        assertThat(oneOff.environment()).containsEntry("FROM_DOTENV", "1").doesNotContainKey("OWN");
    }

    // ---- Ports.forInstance ------------------------------------------------------------------------------------

    @Test
    void anInstancesPortIsItsTypesBlockAndOneWhoseTypeLeftKeepsItsOwn() {
        Project p = project(PROCFILE, Map.of(), Map.of());
        assertThat(Ports.forInstance(6000, p.procfile(), new InstanceId("db", 3), OptionalInt.of(6000), null)).isEqualTo(6202);
        assertThat(Ports.forInstance(6000, p.procfile(), new InstanceId("gone", 2), OptionalInt.of(6401), null)).isEqualTo(6401);
        assertThat(Ports.forInstance(6000, p.procfile(), new InstanceId("gone", 2), OptionalInt.empty(), null)).isEqualTo(6001);
        // The type behind the router is one up: the router has the first port of its block.
        assertThat(Ports.forInstance(6000, p.procfile(), new InstanceId("db", 3), OptionalInt.empty(), "db")).isEqualTo(6203);
    }

    // ---- StopOrder ------------------------------------------------------------------------------------------

    @Test
    void aFullStopStopsDependentsFirstAndEachDependencyOnceTheyAreDown() {
        Project p = project(PROCFILE, Map.of(), Map.of(
                "web", TypeConfig.DEFAULTS.withDependsOn(List.of("worker")),
                "worker", TypeConfig.DEFAULTS.withDependsOn(List.of("db"))));
        Dependencies dependencies = Dependencies.of(p);
        Map<InstanceId, String> instances = new LinkedHashMap<>();
        for (String id : List.of("db.1", "web.1", "web.2", "worker.1")) {
            instances.put(InstanceId.parse(id), id);
        }
        Set<String> running = new HashSet<>(instances.values());
        List<String> stopped = new ArrayList<>();
        StopOrder order = new StopOrder();
        order.addAll(instances.keySet());

        // A stop takes its time: the instance still runs until its group is empty.
        order.advance(instances, running::contains, stopped::add, dependencies);
        assertThat(stopped).containsExactly("web.1", "web.2");
        assertThat(order.waitingTypes()).containsExactly("db", "worker");

        running.remove("web.1");
        order.advance(instances, running::contains, stopped::add, dependencies);
        assertThat(stopped).as("worker waits for every web").containsExactly("web.1", "web.2");

        running.remove("web.2");
        order.advance(instances, running::contains, stopped::add, dependencies);
        assertThat(stopped).containsExactly("web.1", "web.2", "worker.1");

        // A stop that ends at once (nothing was running) lets the next link go in the same pass.
        running.remove("worker.1");
        order.advance(instances, running::contains, stopped::add, dependencies);
        assertThat(stopped).containsExactly("web.1", "web.2", "worker.1", "db.1");
        assertThat(order.isEmpty()).isTrue();
    }

    @Test
    void startingAnInstanceAgainTakesItOutOfTheStopOrder() {
        Project p = project(PROCFILE, Map.of(), Map.of("web", TypeConfig.DEFAULTS.withDependsOn(List.of("db"))));
        Map<InstanceId, String> instances = new LinkedHashMap<>();
        instances.put(InstanceId.parse("db.1"), "db.1");
        instances.put(InstanceId.parse("web.1"), "web.1");
        List<String> stopped = new ArrayList<>();
        StopOrder order = new StopOrder();
        order.addAll(instances.keySet());
        order.remove(InstanceId.parse("db.1"));
        order.advance(instances, id -> false, stopped::add, Dependencies.of(p));
        assertThat(stopped).containsExactly("web.1");
        order.addAll(instances.keySet());
        order.clear();
        order.advance(instances, id -> false, stopped::add, Dependencies.of(p));
        assertThat(stopped).containsExactly("web.1");
    }
}
