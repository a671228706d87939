package dev.procdeck.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procdeck.procfile.CronSchedule;
import dev.procdeck.procfile.CronSchedule.Field;
import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.Schedule;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every format shares: formation, ports, names, schedules, secrets. */
class ExportPlanTest {
    @TempDir
    Path root;

    private static Map<String, Integer> scales(AppPlan plan) {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        plan.types.forEach(t -> out.put(t.name(), t.scale()));
        return out;
    }

    @Test
    void formationIsTheOptionElseProcdeckYmlElseOneOfEachLongRunningType() {
        Fixtures.Builder b = Fixtures.project(root).type("web", "w").type("worker", "k")
                .type("clock", "c", Fixtures.scheduled("hourly", Overlap.SKIP));
        assertThat(scales(AppPlan.of(b.build(), Fixtures.options()))).containsExactly(
                Map.entry("web", 1), Map.entry("worker", 1), Map.entry("clock", 1));
        b.formation("web", 3);
        assertThat(scales(AppPlan.of(b.build(), Fixtures.options()))).containsExactly(
                Map.entry("web", 3), Map.entry("worker", 0), Map.entry("clock", 1));
        assertThat(scales(AppPlan.of(b.build(), Fixtures.options().withFormation("all=2,web=1")))).containsExactly(
                Map.entry("web", 1), Map.entry("worker", 2), Map.entry("clock", 1));
        assertThatThrownBy(() -> AppPlan.of(b.build(), Fixtures.options().withFormation("wbe=1")))
                .hasMessageContaining("unknown process type 'wbe'").hasMessageContaining("web, worker, clock");
    }

    @Test
    void portsAreStartsOneBlockOfAHundredPerTypeInProcfileOrder() {
        Project p = Fixtures.project(root).type("web", "w").type("worker", "k").env("PORT", "8000").build();
        AppPlan plan = AppPlan.of(p, Fixtures.options().withFormation("web=2,worker=2"));
        assertThat(plan.type("web").port(2)).isEqualTo(8001);
        assertThat(plan.type("worker").port(1)).isEqualTo(8100);
        AppPlan flag = AppPlan.of(p, Fixtures.options().withBasePort(3000));
        assertThat(flag.type("worker").port(1)).isEqualTo(3100);
        assertThatThrownBy(() -> AppPlan.of(p, Fixtures.options().withBasePort(65500).withFormation("worker=1")))
                .hasMessageContaining("past 65535");
    }

    @Test
    void appNameIsTheFolderNameSanitisedOrAValidOption() {
        assertThat(AppPlan.appName("My Shop_v2")).isEqualTo("my-shop-v2");
        assertThat(AppPlan.appName("2048")).isEqualTo("app-2048");
        assertThat(AppPlan.appName("...")).isEqualTo("app");
        assertThat(AppPlan.appName("x".repeat(50))).hasSize(AppPlan.MAX_APP_LENGTH);
        Project p = Fixtures.project(root.resolve("Cool App")).type("web", "w").build();
        assertThat(AppPlan.of(p, Fixtures.options()).app).isEqualTo("cool-app");
        assertThatThrownBy(() -> AppPlan.of(p, Fixtures.options().withApp("Bad Name")))
                .hasMessageContaining("app name 'Bad Name'").hasMessageContaining("suggestion: bad-name");
        assertThatThrownBy(() -> AppPlan.of(p, Fixtures.options().withUser("a b")))
                .hasMessageContaining("user 'a b'");
    }

    @Test
    void unknownFormatNamesTheChoices() {
        assertThat(ExportFormat.parse("SystemD")).isEqualTo(ExportFormat.SYSTEMD);
        assertThatThrownBy(() -> ExportFormat.parse("upstart"))
                .hasMessage("unknown export format 'upstart'; choose one of systemd, launchd, supervisord, kubernetes");
    }

    @Test
    void secretsAreNamesWithKeySecretTokenOrPasswordInAnyCase() {
        assertThat(Secrets.isSecretName("STRIPE_API_KEY")).isTrue();
        assertThat(Secrets.isSecretName("github_token")).isTrue();
        assertThat(Secrets.isSecretName("Db_Password")).isTrue();
        assertThat(Secrets.isSecretName("SECRET_KEY_BASE")).isTrue();
        assertThat(Secrets.isSecretName("DATABASE_URL")).isFalse();
    }

    @Test
    void schedulesAreReadAndTranslated() {
        CronSchedule cron = (CronSchedule) Schedule.parse("*/20 8-10,22 * jan,jul 7");
        assertThat(cron.values(Field.MINUTE)).containsExactly(0, 20, 40);
        assertThat(cron.values(Field.HOUR)).containsExactly(8, 9, 10, 22);
        assertThat(cron.values(Field.MONTH)).containsExactly(1, 7);
        assertThat(cron.values(Field.DAY_OF_WEEK)).containsExactly(0);
        assertThat(cron.allowsAny(Field.DAY_OF_MONTH)).isTrue();
        assertThat(cron.daysEither()).isFalse();
        assertThat(SystemdExporter.onCalendar(cron)).containsExactly("Sun *-01,07-* 08,09,10,22:00,20,40:00");
        assertThat(KubernetesExporter.cronLine(Schedule.parse("every 30m"))).isEqualTo("*/30 * * * *");
        assertThat(KubernetesExporter.cronLine(Schedule.parse("every 60s"))).isEqualTo("* * * * *");
        assertThat(KubernetesExporter.cronLine(Schedule.parse("every 1h"))).isEqualTo("0 * * * *");
        assertThat(KubernetesExporter.cronLine(Schedule.parse("every 24h"))).isEqualTo("0 0 * * *");
        assertThat(KubernetesExporter.cronLine(Schedule.parse("hourly"))).isEqualTo("0 * * * *");
        assertThat(KubernetesExporter.cronLine(Schedule.parse("Daily"))).isEqualTo("0 0 * * *");
        assertThat(KubernetesExporter.cronLine(Schedule.parse(" 30  3 * JAN  Mon-Fri ")))
                .isEqualTo("30 3 * jan mon-fri");
        assertThatThrownBy(() -> KubernetesExporter.cronLine(Schedule.parse("every 45s")))
                .hasMessageContaining("whole minutes");
        assertThatThrownBy(() -> KubernetesExporter.cronLine(Schedule.parse("every 5h"))).hasMessageContaining("divides");
        // Schedules reach the exporters parsed (procdeck.yml's parser rejects bad ones with file and line).
        assertThatThrownBy(() -> Schedule.parse("61 * * * *")).hasMessageContaining("minute field");
        assertThatThrownBy(() -> Schedule.parse("sometimes")).hasMessageContaining("invalid schedule 'sometimes'");
        assertThatThrownBy(() -> Schedule.parse("*/0 * * * *")).hasMessageContaining("step");
    }

    /** A secret's value appears in no exported file but a Kubernetes Secret, whatever the format. */
    @Test
    void noFormatWritesASecretValueOutsideAKubernetesSecret() {
        Project p = Fixtures.project(root)
                .type("web", "./web", Fixtures.env(Map.of("WEBHOOK_PASSWORD", "value-from-yml")))
                .type("clock", "./tick", Fixtures.scheduled("every 10m", Overlap.SKIP))
                .env("API_KEY", "value-from-env").env("session_token", "value-two").build();
        for (ExportFormat format : ExportFormat.values()) {
            ExportResult r = Exporter.export(format, p, Fixtures.options().withImage("img"));
            for (ExportedFile f : r.files()) {
                if (!f.secret()) {
                    assertThat(f.content()).as(format + " " + f.name())
                            .doesNotContain("value-from-env", "value-two", "value-from-yml");
                }
            }
        }
    }
}
