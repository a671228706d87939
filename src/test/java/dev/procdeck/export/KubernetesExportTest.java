package dev.procdeck.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.Readiness;
import dev.procdeck.procfile.RestartMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

@SuppressWarnings("unchecked")
class KubernetesExportTest {
    @TempDir
    Path root;

    private static ExportOptions options() {
        return Fixtures.options().withApp("shop").withImage("registry.example.com/shop:1.0");
    }

    private static ExportResult export(Project p, ExportOptions options) {
        return Exporter.export(ExportFormat.KUBERNETES, p, options);
    }

    private static Map<String, Object> load(ExportResult r, String name) {
        return new Yaml().load(r.file(name).content());
    }

    /** Follows a path of map keys and list indexes. */
    private static <T> T at(Object tree, Object... path) {
        Object node = tree;
        for (Object step : path) {
            node = step instanceof Integer i ? ((List<Object>) node).get(i) : ((Map<String, Object>) node).get(step);
        }
        return (T) node;
    }

    private Project shop() {
        return Fixtures.project(root)
                .type("web", "bundle exec puma -p $PORT", Fixtures.ready(Readiness.Kind.HTTP, "/health"))
                .type("worker", "./work", Fixtures.restart(null, null, Duration.ofSeconds(25)))
                .type("api", "./api", Fixtures.ready(Readiness.Kind.PORT, ""))
                .type("clock", "./tick", Fixtures.scheduled("every 15m", Overlap.SKIP))
                .type("release", "./migrate")
                .env("DATABASE_URL", "postgres://db/x").env("STRIPE_SECRET_KEY", "sk_live_value")
                .env("PORT", "5000").build();
    }

    @Test
    void aDeploymentPerLongRunningTypeWithItsScaleCommandImageAndEnvironment() {
        ExportResult r = export(shop(), options().withFormation("web=3,worker=1,api=1"));
        assertThat(r.files()).extracting(ExportedFile::name).containsExactly(
                "shop-env-configmap.yaml", "shop-secret-secret.yaml",
                "shop-web-deployment.yaml", "shop-web-service.yaml", "shop-worker-deployment.yaml",
                "shop-api-deployment.yaml", "shop-api-service.yaml", "shop-clock-cronjob.yaml", "shop-release-job.yaml");

        Map<String, Object> web = load(r, "shop-web-deployment.yaml");
        assertThat(web).containsEntry("apiVersion", "apps/v1").containsEntry("kind", "Deployment");
        assertThat((Object) at(web, "metadata", "name")).isEqualTo("shop-web");
        assertThat((Object) at(web, "spec", "replicas")).isEqualTo(3);
        assertThat((Object) at(web, "spec", "selector", "matchLabels"))
                .isEqualTo(Map.of("app.kubernetes.io/name", "shop", "app.kubernetes.io/component", "web"));
        Map<String, Object> pod = at(web, "spec", "template", "spec");
        assertThat(pod).containsEntry("terminationGracePeriodSeconds", 5);
        Map<String, Object> c = at(pod, "containers", 0);
        assertThat(c).containsEntry("name", "web").containsEntry("image", "registry.example.com/shop:1.0")
                .containsEntry("command", List.of("sh", "-c", "bundle exec puma -p $PORT"))
                .containsEntry("envFrom", List.of(Map.of("configMapRef", Map.of("name", "shop-env")),
                        Map.of("secretRef", Map.of("name", "shop-secret"))))
                .containsEntry("ports", List.of(Map.of("name", "http", "containerPort", 5000, "protocol", "TCP")))
                .containsEntry("readinessProbe", Map.of("httpGet", Map.of("path", "/health", "port", "http"),
                        "periodSeconds", 5));
        assertThat((List<Object>) c.get("env")).contains(Map.of("name", "PORT", "value", "5000"),
                Map.of("name", "DYNO", "valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.name"))));

        Map<String, Object> worker = at(load(r, "shop-worker-deployment.yaml"), "spec", "template", "spec");
        assertThat(worker).containsEntry("terminationGracePeriodSeconds", 25);
        assertThat((Map<String, Object>) at(worker, "containers", 0)).doesNotContainKeys("ports", "readinessProbe");
        assertThat((List<Object>) at(worker, "containers", 0, "env")).noneMatch(e -> ((Map<?, ?>) e).get("name").equals("PORT"));

        Map<String, Object> api = at(load(r, "shop-api-deployment.yaml"), "spec", "template", "spec", "containers", 0);
        assertThat(api).containsEntry("readinessProbe", Map.of("tcpSocket", Map.of("port", "tcp"), "periodSeconds", 5))
                .containsEntry("ports", List.of(Map.of("name", "tcp", "containerPort", 5200, "protocol", "TCP")));
        assertThat((Object) at(load(r, "shop-api-service.yaml"), "spec", "ports"))
                .isEqualTo(List.of(Map.of("name", "tcp", "port", 5200, "targetPort", "tcp")));
    }

    @Test
    void secretsGoOnlyIntoASecretReadableByItsOwner() throws Exception {
        Project p = Fixtures.project(root).type("web", "./web", Fixtures.env(Map.of("WEBHOOK_TOKEN", "whk_value", "MODE", "fast")))
                .env("STRIPE_SECRET_KEY", "sk_live_value").env("LOG_LEVEL", "info").build();
        ExportResult r = export(p, options());
        assertThat((Object) at(load(r, "shop-secret-secret.yaml"), "stringData"))
                .isEqualTo(Map.of("STRIPE_SECRET_KEY", "sk_live_value"));
        assertThat((Object) at(load(r, "shop-env-configmap.yaml"), "data")).isEqualTo(Map.of("LOG_LEVEL", "info"));
        assertThat((Object) at(load(r, "shop-web-secret-secret.yaml"), "stringData")).isEqualTo(Map.of("WEBHOOK_TOKEN", "whk_value"));
        for (ExportedFile f : r.files()) {
            assertThat(f.secret()).as(f.name()).isEqualTo(f.name().endsWith("-secret.yaml"));
            if (!f.secret()) {
                assertThat(f.content()).as(f.name()).doesNotContain("sk_live_value", "whk_value");
            }
        }
        Map<String, Object> c = at(load(r, "shop-web-deployment.yaml"), "spec", "template", "spec", "containers", 0);
        assertThat((List<Object>) c.get("env")).contains(Map.of("name", "MODE", "value", "fast"));
        assertThat((List<Object>) c.get("envFrom")).contains(Map.of("secretRef", Map.of("name", "shop-web-secret")));

        List<Path> written = ExportWriter.write(root.resolve("out"), r.files(), false);
        for (Path f : written) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
                    .isEqualTo(f.toString().endsWith("-secret.yaml") ? "rw-------" : "rw-r--r--");
        }
    }

    @Test
    void scheduledTypesAreCronJobsAndReleaseIsAJob() {
        Project p = Fixtures.project(root).type("web", "./web")
                .type("clock", "./tick", Fixtures.scheduled("every 15m", Overlap.SKIP))
                .type("hourly", "./h", Fixtures.scheduled("every 2h", Overlap.ALLOW))
                .type("cron", "./c", Fixtures.scheduled("30  3 * *  MON-FRI", Overlap.QUEUE))
                .type("release", "./migrate").build();
        ExportResult r = export(p, options());
        Map<String, Object> clock = load(r, "shop-clock-cronjob.yaml");
        assertThat(clock).containsEntry("apiVersion", "batch/v1").containsEntry("kind", "CronJob");
        assertThat((Object) at(clock, "spec", "schedule")).isEqualTo("*/15 * * * *");
        assertThat((Object) at(clock, "spec", "timeZone")).isEqualTo("Europe/Paris");
        assertThat((Object) at(clock, "spec", "concurrencyPolicy")).isEqualTo("Forbid");
        assertThat((Object) at(clock, "spec", "jobTemplate", "spec", "template", "spec", "restartPolicy")).isEqualTo("Never");
        assertThat((Object) at(load(r, "shop-hourly-cronjob.yaml"), "spec", "schedule")).isEqualTo("0 */2 * * *");
        assertThat((Object) at(load(r, "shop-hourly-cronjob.yaml"), "spec", "concurrencyPolicy")).isEqualTo("Allow");
        assertThat((Object) at(load(r, "shop-cron-cronjob.yaml"), "spec", "schedule")).isEqualTo("30 3 * * mon-fri");
        assertThat(r.warnings()).singleElement().asString().contains("cron", "overlap: queue");

        Map<String, Object> release = load(r, "shop-release-job.yaml");
        assertThat(release).containsEntry("apiVersion", "batch/v1").containsEntry("kind", "Job");
        assertThat((Object) at(release, "spec", "backoffLimit")).isEqualTo(0);
        assertThat((Object) at(release, "spec", "template", "spec", "containers", 0, "command"))
                .isEqualTo(List.of("sh", "-c", "./migrate"));
        assertThat(r.files()).extracting(ExportedFile::name).doesNotContain("shop-release-deployment.yaml");

        // A fixed offset is not a time zone name: the CronJob then runs in the controller's zone.
        assertThat(export(p, options().withZone(ZoneOffset.ofHours(2))).file("shop-clock-cronjob.yaml").content())
                .doesNotContain("timeZone");
    }

    @Test
    void clearErrorsForWhatKubernetesCannotTake() {
        Project p = Fixtures.project(root).type("web", "./web").build();
        assertThatThrownBy(() -> export(p, options().withImage(null)))
                .hasMessageContaining("kubernetes export needs --image IMAGE");
        assertThat(export(p, options().withUser("deploy")).warnings()).singleElement().asString()
                .contains("-u deploy is not used");
        // A schedule a CronJob cannot express leaves that type out, with why, and exports the rest.
        Project odd = Fixtures.project(root).type("web", "./web")
                .type("clock", "./t", Fixtures.scheduled("every 7m", Overlap.SKIP)).build();
        ExportResult partial = export(odd, options());
        assertThat(partial.files()).extracting(ExportedFile::name).contains("shop-web-deployment.yaml")
                .noneMatch(n -> n.contains("clock"));
        assertThat(partial.warnings()).anySatisfy(w -> assertThat(w).startsWith("kubernetes: clock is left out: 'every"
                + " 7m' cannot be written as a cron line").contains("divides 60"));
        Project clash = Fixtures.project(root).type("my_web", "./a").type("my-web", "./b").build();
        assertThatThrownBy(() -> export(clash, options())).hasMessageContaining("'my_web' and 'my-web'");
    }

    /** Every exported object passes the Kubernetes API schema (offline, npm kubernetes-models). */
    @Test
    void everyFilePassesTheKubernetesSchema() throws Exception {
        // shared/ lies beside the project, for developers and CI alike.
        Path shared = Path.of(System.getProperty("user.dir")).resolve("../shared/tools/k8s-validate.sh").normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(shared), shared + " not found");
        ExternalTool.require("node");
        ExternalTool.require("npm");
        Project p = Fixtures.project(root)
                .type("web", "exec puma -p \"$PORT\" # 'quoted' : yes", Fixtures.ready(Readiness.Kind.HTTP, "/health?x=1")
                        .withMemory(512L << 20).withLiveness(new dev.procdeck.procfile.Liveness(
                                dev.procdeck.procfile.Liveness.Kind.HTTP, "/alive", Duration.ofSeconds(10), 3,
                                Duration.ofMillis(1500), Duration.ofSeconds(30))))
                .type("worker", "./work", Fixtures.restart(RestartMode.ON_FAILURE, null, Duration.ofMillis(2500))
                        .withLiveness(new dev.procdeck.procfile.Liveness(dev.procdeck.procfile.Liveness.Kind.EXEC,
                                "test -e /tmp/alive", Duration.ofSeconds(5), 1, Duration.ofSeconds(1), null)))
                .type("api", "./api", Fixtures.ready(Readiness.Kind.PORT, "").withLiveness(
                        new dev.procdeck.procfile.Liveness(dev.procdeck.procfile.Liveness.Kind.PORT, "",
                                Duration.ofSeconds(10), 3, Duration.ofSeconds(2), null)).withMemory(3L << 29))
                .type("clock", "./tick", Fixtures.scheduled("0 3 1 * sun", Overlap.ALLOW))
                .type("release", "./migrate", Fixtures.env(Map.of("MIGRATION_TOKEN", "t", "ON", "yes")))
                .env("DATABASE_URL", "postgres://db/x").env("API_KEY", "k").env("EMPTY", "").env("NUMBER", "0123")
                .build();
        ExportResult r = export(p, options().withFormation("web=2,worker=1,api=1"));
        List<Path> written = ExportWriter.write(root.resolve("k8s"), r.files(), false);
        List<String> command = new ArrayList<>(List.of("bash", shared.toString()));
        written.forEach(f -> command.add(f.toString()));
        ExternalTool.Result result = ExternalTool.run(command, 600);
        assertThat(result.output()).contains(written.size() + " of " + written.size()
                + " documents valid");
        assertThat(result.code()).as(result.output()).isZero();
    }
}
