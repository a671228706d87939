package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.procfile.IntervalSchedule;
import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectConfig;
import dev.procdeck.procfile.Readiness;
import dev.procdeck.procfile.TypeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link ReloadPlan}: what a reload changes, from the two projects alone. */
class ReloadPlanTest {
    private static final String PROCFILE = "web: serve\nworker: work\nreport: report\n";

    private static Project project(String procfile, Map<String, String> dotEnv, Map<String, TypeConfig> types) {
        try {
            return new Project(Path.of("/app"), Path.of("/app/Procfile"), ProcfileParser.parse("Procfile", procfile),
                    dotEnv, List.of(Path.of("/app/.env")),
                    new ProjectConfig(Path.of("/app/procdeck.yml"), Map.of(), types, List.of()));
        } catch (dev.procdeck.procfile.ProjectFileException e) {
            throw new AssertionError(e);
        }
    }

    private static TypeConfig env(Map<String, String> env) {
        return TypeConfig.DEFAULTS.withEnv(env).withLine(1);
    }

    private static TypeConfig scheduled() {
        return TypeConfig.DEFAULTS.withSchedule(new IntervalSchedule("every 20s", Duration.ofSeconds(20))).withLine(1);
    }

    @Test
    void nothingChangedSaysSoInOneLine() {
        Project p = project(PROCFILE, Map.of("A", "1"), Map.of());
        ReloadPlan plan = ReloadPlan.between(p, p);
        assertThat(plan.changedAnything()).isFalse();
        assertThat(plan.lines(5000, Set.of())).containsExactly("reloaded Procfile, .env and procdeck.yml: no change");
    }

    @Test
    void dotEnvChangesNameTheVariableAndTheTypesThatSeeItNeverTheValue() {
        Project before = project(PROCFILE, Map.of("SECRET_KEY", "old-secret", "GONE", "x", "SAME", "1"),
                Map.of("worker", env(Map.of("PLAIN", "own"))));
        Project after = project(PROCFILE, Map.of("SECRET_KEY", "new-secret", "PLAIN", "visible", "SAME", "1"),
                Map.of("worker", env(Map.of("PLAIN", "own"))));
        ReloadPlan plan = ReloadPlan.between(before, after);
        assertThat(plan.envChanges()).containsExactly(
                new ReloadPlan.VariableChange("GONE", ReloadPlan.Change.REMOVED, List.of("web", "worker", "report")),
                new ReloadPlan.VariableChange("PLAIN", ReloadPlan.Change.ADDED, List.of("web", "report")),
                new ReloadPlan.VariableChange("SECRET_KEY", ReloadPlan.Change.CHANGED, List.of("web", "worker", "report")));
        String text = plan.describe(5000, Set.of("web", "worker"));
        assertThat(text).isEqualTo("reloaded .env: GONE removed (web, worker, report), PLAIN added (web, report),"
                + " SECRET_KEY changed (web, worker, report) \u2014 restart web, worker to apply");
        assertThat(text).doesNotContain("secret-").doesNotContain("visible").doesNotContain("own");
    }

    @Test
    void commandsAndPositionsChangedAreNamedAndEachLineAsksToRestartOnlyTheStaleTypes() {
        Project before = project(PROCFILE, Map.of("A", "1"), Map.of("report", scheduled()));
        Project after = project("worker: work\nweb: serve --new\nreport: report\n", Map.of("A", "2"),
                Map.of("report", scheduled()));
        ReloadPlan plan = ReloadPlan.between(before, after);
        assertThat(plan.commandChanged()).containsExactly("web");
        assertThat(plan.portsMoved()).containsExactly(new ReloadPlan.PortMove("worker", 1, 0),
                new ReloadPlan.PortMove("web", 0, 1));
        assertThat(plan.lines(5000, Set.of("web"))).containsExactly(
                "reloaded Procfile: web command changed, worker moved to ports from 5000 (was 5100), web moved to ports"
                        + " from 5100 (was 5000) \u2014 restart web to apply",
                "reloaded .env: A changed (worker, web, report) \u2014 restart web to apply");
    }

    @Test
    void procdeckYmlChangesNameEachTypesSettingsAndTheScheduleSwitches() {
        Project before = project(PROCFILE, Map.of(), Map.of("worker", env(Map.of("DB_URL", "a"))));
        TypeConfig worker = TypeConfig.DEFAULTS.withMaxRestarts(3).withStopTimeout(Duration.ofSeconds(9)).withReady(new Readiness(Readiness.Kind.PORT, "", null)).withEnv(Map.of("DB_URL", "b")).withLine(7);
        Project after = project(PROCFILE, Map.of(), Map.of("worker", worker, "report", scheduled()));
        ReloadPlan plan = ReloadPlan.between(before, after);
        assertThat(plan.nowScheduled()).containsExactly("report");
        assertThat(plan.settingsChanged()).containsExactly(new ReloadPlan.TypeSettings("worker",
                List.of("max_restarts changed", "stop_timeout changed", "ready changed", "env DB_URL changed"), true));
        assertThat(plan.lines(5000, Set.of("worker"))).containsExactly("reloaded procdeck.yml: worker: max_restarts"
                + " changed, stop_timeout changed, ready changed, env DB_URL changed; report is now scheduled (its"
                + " instances stop; it runs on its schedule) \u2014 restart worker to apply");
        ReloadPlan back = ReloadPlan.between(after, before);
        assertThat(back.noLongerScheduled()).containsExactly("report");
    }

    @Test
    void memoryAndLivenessChangesAreNamedAndApplyFromTheNextRun() {
        Project before = project(PROCFILE, Map.of(), Map.of("web", TypeConfig.DEFAULTS.withMemory(512L << 20).withLine(1)));
        Project after = project(PROCFILE, Map.of(), Map.of("web", TypeConfig.DEFAULTS.withMemory(1L << 30)
                .withLiveness(new dev.procdeck.procfile.Liveness(dev.procdeck.procfile.Liveness.Kind.PORT, "",
                        Duration.ofSeconds(10), 3, Duration.ofSeconds(2), null)).withLine(1)));
        assertThat(ReloadPlan.between(before, after).settingsChanged()).containsExactly(new ReloadPlan.TypeSettings(
                "web", List.of("memory changed", "liveness changed"), true));
    }

    @Test
    void aLineEndsWithARestartOnlyForTypesThatRunSomethingStale() {
        Project before = project(PROCFILE, Map.of("A", "1"), Map.of());
        Project after = project(PROCFILE, Map.of("A", "2"), Map.of());
        // Nothing runs: the change applies at the next start by itself.
        assertThat(ReloadPlan.between(before, after).lines(5000, Set.of()))
                .containsExactly("reloaded .env: A changed (web, worker, report)");
        // .env's PORT reaches no instance: it is the base port, taken when the project opens.
        Project port = project(PROCFILE, Map.of("A", "1", "PORT", "6000"), Map.of());
        assertThat(ReloadPlan.between(before, port).lines(5000, Set.of("web"))).containsExactly("reloaded .env: PORT"
                + " added (the base port: it applies when the project is opened or started again)");
    }
}
