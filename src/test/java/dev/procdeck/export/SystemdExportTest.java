package dev.procdeck.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.RestartMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdExportTest {
    @TempDir
    Path root;

    private ExportResult export(Project p, ExportOptions options) {
        return Exporter.export(ExportFormat.SYSTEMD, p, options);
    }

    @Test
    void oneUnitPerInstanceWithItsPortPsAndDynoAndATargetWantingThemAll() {
        Project p = Fixtures.project(root).type("web", "./web").type("worker", "./work").noEnvFile().build();
        ExportResult r = export(p, Fixtures.options().withFormation("web=2,worker=1").withApp("shop"));

        assertThat(r.files()).extracting(ExportedFile::name).containsExactly(
                "shop-web-1.service", "shop-web-2.service", "shop-worker-1.service", "shop.target");
        String web2 = r.file("shop-web-2.service").content();
        assertThat(web2).contains("Environment=\"PORT=5001\"\n", "Environment=\"PS=web.2\"\n",
                "Environment=\"DYNO=web.2\"\n", "WorkingDirectory=" + root + "\n",
                "ExecStart=/bin/sh -c \"./web\"\n", "Restart=always\n", "KillMode=mixed\n", "KillSignal=SIGTERM\n",
                "TimeoutStopSec=5\n", "PartOf=shop.target\n", "WantedBy=shop.target\n",
                "User=alice\n") // without -u, the user who exported: never root without a word
                .doesNotContain("EnvironmentFile=");
        assertThat(r.file("shop-worker-1.service").content()).contains("Environment=\"PORT=5100\"\n");
        assertThat(r.file("shop.target").content()).contains(
                "Wants=shop-web-1.service shop-web-2.service shop-worker-1.service\n", "WantedBy=multi-user.target\n");
    }

    @Test
    void restartSignalAndTimeoutComeFromProcdeckYmlElseTheOptions() {
        Project p = Fixtures.project(root)
                .type("a", "x", Fixtures.restart(RestartMode.ON_FAILURE, "INT", Duration.ofSeconds(30)))
                .type("b", "x", Fixtures.restart(RestartMode.NEVER, "QUIT", Duration.ofMillis(2500)))
                .type("c", "x").build();
        ExportResult r = export(p, Fixtures.options().withStopTimeout(Duration.ofSeconds(9)).withUser("deploy"));
        String app = AppPlan.appName(root.getFileName().toString());
        assertThat(r.file(app + "-a-1.service").content())
                .contains("Restart=on-failure\n", "KillSignal=SIGINT\n", "TimeoutStopSec=30\n", "User=deploy\n");
        assertThat(r.file(app + "-b-1.service").content())
                .contains("Restart=no\n", "KillSignal=SIGQUIT\n", "TimeoutStopSec=2500ms\n");
        assertThat(r.file(app + "-c-1.service").content()).contains("Restart=always\n", "TimeoutStopSec=9\n",
                "StartLimitIntervalSec=0\n");
    }

    @Test
    void maxRestartsBecomesAStartLimitOverTheWholeRun() {
        Project p = Fixtures.project(root).type("web", "./web", Fixtures.maxRestarts(3)).build();
        assertThat(export(p, Fixtures.options().withApp("shop")).file("shop-web-1.service").content())
                .contains("StartLimitIntervalSec=infinity\nStartLimitBurst=4\n");
    }

    @Test
    void dotEnvStaysInItsFileAndWhatProcdeckSetsOnTopOfItWinsThroughEnv() {
        Project p = Fixtures.project(root)
                .type("web", "./web", Fixtures.env(Map.of("MODE", "fast", "EXTRA", "1", "SIGNING_KEY", "yml-secret")))
                .env("PORT", "6000").env("MODE", "slow").env("API_TOKEN", "env-secret").build();
        ExportResult r = export(p, Fixtures.options().withApp("shop"));
        String unit = r.file("shop-web-1.service").content();
        assertThat(unit).contains("EnvironmentFile=" + root.resolve(".env") + "\n",
                "Environment=\"EXTRA=1\"\n", "Environment=\"PS=web.1\"\n",
                // PORT and MODE are in .env too, which systemd applies after Environment=: env(1) sets them last.
                "ExecStart=/usr/bin/env \"PORT=6000\" \"MODE=fast\" /bin/sh -c \"./web\"\n")
                .doesNotContain("env-secret", "yml-secret", "Environment=\"PORT", "Environment=\"MODE");
        assertThat(r.warnings()).singleElement().asString().contains("SIGNING_KEY", "procdeck.yml", "move them to .env");
    }

    @Test
    void execStartKeepsTheCommandExactlyForTheShell() {
        assertThat(SystemdExporter.quoted("echo \"$HOME\" 100% \\n 'x'; a\tb", true))
                .isEqualTo("\"echo \\\"$$HOME\\\" 100%% \\\\n 'x'; a\\tb\"");
        assertThat(SystemdExporter.quoted("A=$x %h", false)).isEqualTo("\"A=$x %%h\"");
        assertThat(SystemdExporter.quoted("bell\u0007", true)).isEqualTo("\"bell\\x07\"");
    }

    @Test
    void scheduledTypesBecomeAServiceAndATimer() {
        Project p = Fixtures.project(root).type("web", "./web")
                .type("clock", "./tick", Fixtures.scheduled("*/15 9-17 * * mon-fri", Overlap.SKIP))
                .type("often", "./often", Fixtures.scheduled("every 30s", Overlap.ALLOW))
                .type("monthly", "./m", Fixtures.scheduled("0 3 1 * 0", Overlap.SKIP))
                .type("nightly", "./n", Fixtures.scheduled("daily", Overlap.SKIP)).build();
        ExportResult r = export(p, Fixtures.options().withApp("shop"));

        assertThat(r.files()).extracting(ExportedFile::name).containsExactly("shop-web-1.service",
                "shop-clock.service", "shop-clock.timer", "shop-often.service", "shop-often.timer",
                "shop-monthly.service", "shop-monthly.timer", "shop-nightly.service", "shop-nightly.timer", "shop.target");
        assertThat(r.file("shop-clock.timer").content()).contains(
                "OnCalendar=Mon,Tue,Wed,Thu,Fri *-*-* 09,10,11,12,13,14,15,16,17:00,15,30,45:00\n",
                "Unit=shop-clock.service\n", "Persistent=false\n");
        assertThat(r.file("shop-clock.service").content()).contains("Restart=no\n").doesNotContain("[Install]");
        assertThat(r.file("shop-often.timer").content()).contains("OnActiveSec=30\n", "OnUnitActiveSec=30\n");
        // cron runs when either day field matches; systemd needs both of a line, so two lines.
        assertThat(r.file("shop-monthly.timer").content())
                .contains("OnCalendar=*-*-01 03:00:00\n", "OnCalendar=Sun *-*-* 03:00:00\n");
        assertThat(r.file("shop-nightly.timer").content()).contains("OnCalendar=*-*-* 00:00:00\n");
        assertThat(r.file("shop.target").content()).contains("shop-clock.timer").doesNotContain("shop-clock.service");
        assertThat(r.warnings()).singleElement().asString().contains("often", "overlap: allow");
    }

    @Test
    void dependsOnOrdersAfterTheOtherTypesInstances() {
        Project p = Fixtures.project(root).type("db", "./db").type("web", "./web", Fixtures.dependsOn("db")).build();
        String unit = export(p, Fixtures.options().withApp("shop").withFormation("db=2,web=1"))
                .file("shop-web-1.service").content();
        assertThat(unit).contains("After=network.target shop-db-1.service shop-db-2.service\n",
                "Wants=shop-db-1.service shop-db-2.service\n");
    }

    @Test
    void aFolderNameThatWouldBreakAUnitLineIsRefused() throws Exception {
        Path odd = Files.createDirectories(root.resolve("line\nExecStartPre=evil"));
        Project p = Fixtures.project(odd).type("web", "./web").noEnvFile().build();
        assertThatThrownBy(() -> export(p, Fixtures.options().withApp("shop")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character");
    }

    /** Every unit, hostile commands included, passes systemd's own checker. */
    @Test
    void systemdAnalyzeVerifyAcceptsEveryUnit() throws Exception {
        Path analyze = ExternalTool.require("systemd-analyze");
        Files.writeString(root.resolve(".env"), "A=1\n");
        Project p = Fixtures.project(root)
                .type("web", "exec ./server --port \"$PORT\" --name '100%' \\; echo `date` # done",
                        Fixtures.restart(RestartMode.ON_FAILURE, "INT", Duration.ofMillis(1500)).withMemory(512L << 20))
                .type("worker", "./work", Fixtures.dependsOn("web").withMemory(3L << 29))
                .type("limited", "./l", Fixtures.maxRestarts(2))
                .type("clock", "./tick", Fixtures.scheduled("*/15 9-17 * * mon-fri", Overlap.SKIP))
                .type("monthly", "./m", Fixtures.scheduled("0 3 1,15 * sun", Overlap.SKIP))
                .type("often", "./often", Fixtures.scheduled("every 90s", Overlap.SKIP))
                .env("PORT", "7000").env("API_KEY", "k").build();
        ExportResult r = export(p, Fixtures.options().withApp("shop").withFormation("web=2,worker=1,limited=1").withUser("root"));
        Path out = root.resolve("units");
        List<Path> written = ExportWriter.write(out, r.files(), false);

        List<String> command = new ArrayList<>(List.of(analyze.toString(), "verify"));
        written.forEach(f -> command.add(f.toString()));
        ExternalTool.Result result = ExternalTool.run(command, 120);
        assertThat(result.output()).as("systemd-analyze verify output").isEmpty();
        assertThat(result.code()).isZero();
    }

    @Test
    void theVerifierCatchesABrokenUnit() throws Exception {
        Path analyze = ExternalTool.require("systemd-analyze");
        Path unit = root.resolve("broken.service");
        Files.writeString(unit, "[Service]\nExecStart=/bin/sh -c \"unbalanced\n");
        assertThat(ExternalTool.run(List.of(analyze.toString(), "verify", unit.toString()), 120).output())
                .contains("Unbalanced quoting");
    }
}
