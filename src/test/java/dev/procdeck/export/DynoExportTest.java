package dev.procdeck.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.procfile.Liveness;
import dev.procdeck.procfile.Project;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** memory:, liveness: and the release phase, as each format can say them (or says it cannot). */
@SuppressWarnings("unchecked")
class DynoExportTest {
    @TempDir
    Path root;

    private Project shop() {
        return Fixtures.project(root)
                .type("release", "./migrate")
                .type("web", "./web", Fixtures.type().withMemory(512L << 20).withLiveness(new Liveness(
                        Liveness.Kind.HTTP, "/health", Duration.ofSeconds(10), 3, Duration.ofMillis(1500),
                        Duration.ofSeconds(20))))
                .type("worker", "./work", Fixtures.type().withLiveness(new Liveness(Liveness.Kind.EXEC,
                        "pgrep -f work", Duration.ofMillis(500), 1, Duration.ofSeconds(2), null)))
                .type("api", "./api", Fixtures.type().withLiveness(new Liveness(Liveness.Kind.PORT, "",
                        Duration.ofSeconds(5), 2, Duration.ofSeconds(1), null)))
                .build();
    }

    private ExportResult export(ExportFormat format) {
        return Exporter.export(format, shop(), Fixtures.options().withApp("shop").withImage("shop:1"));
    }

    private static <T> T at(Object tree, Object... path) {
        Object node = tree;
        for (Object step : path) {
            node = step instanceof Integer i ? ((List<Object>) node).get(i) : ((Map<String, Object>) node).get(step);
        }
        return (T) node;
    }

    @Test
    void systemdCapsMemoryWhereProcdeckRestartsAndLeavesTheReleaseOut() {
        ExportResult r = export(ExportFormat.SYSTEMD);
        assertThat(r.file("shop-web-1.service").content()).contains("MemoryHigh=512M\n", "MemoryMax=1G\n");
        assertThat(r.file("shop-worker-1.service").content()).doesNotContain("Memory");
        assertThat(r.files()).extracting(ExportedFile::name).noneMatch(n -> n.contains("release"));
        assertThat(r.warnings()).contains("systemd: release is left out: it is the release phase, which runs once"
                        + " before the formation starts, not as a service; run it before each deploy (procdeck run"
                        + " release)",
                "systemd: web's liveness check (liveness: http /health) is not exported: systemd restarts a program"
                        + " only when it exits")
                .noneMatch(w -> w.contains("memory quota"));
    }

    @Test
    void launchdAndSupervisordNameWhatTheyLoseOnce() {
        for (ExportFormat format : List.of(ExportFormat.LAUNCHD, ExportFormat.SUPERVISORD)) {
            String manager = format.name().toLowerCase(java.util.Locale.ROOT);
            ExportResult r = export(format);
            assertThat(r.warnings()).as(manager)
                    .containsOnlyOnce(manager + ": web's memory quota (memory: 512M) is not exported: " + manager
                            + " cannot limit a program's memory")
                    .anyMatch(w -> w.startsWith(manager + ": release is left out: it is the release phase"))
                    .anyMatch(w -> w.startsWith(manager + ": worker's liveness check (liveness: exec \"pgrep -f work\")"));
            assertThat(r.files()).extracting(ExportedFile::name).noneMatch(n -> n.contains("release"));
        }
    }

    @Test
    void kubernetesGetsLimitsLivenessProbesAndAReleaseJob() {
        ExportResult r = export(ExportFormat.KUBERNETES);
        Map<String, Object> web = new Yaml().load(r.file("shop-web-deployment.yaml").content());
        Map<String, Object> container = at(web, "spec", "template", "spec", "containers", 0);
        assertThat((Object) at(container, "resources", "requests", "memory")).isEqualTo("512Mi");
        assertThat((Object) at(container, "resources", "limits", "memory")).isEqualTo("1Gi");
        Map<String, Object> live = at(container, "livenessProbe");
        assertThat((Object) at(live, "httpGet", "path")).isEqualTo("/health");
        assertThat((Object) at(live, "httpGet", "port")).isEqualTo("http");
        assertThat(live).containsEntry("periodSeconds", 10).containsEntry("failureThreshold", 3)
                .containsEntry("timeoutSeconds", 2).containsEntry("initialDelaySeconds", 20);

        Map<String, Object> worker = new Yaml().load(r.file("shop-worker-deployment.yaml").content());
        Map<String, Object> exec = at(worker, "spec", "template", "spec", "containers", 0, "livenessProbe");
        assertThat((Object) at(exec, "exec", "command")).isEqualTo(List.of("sh", "-c", "pgrep -f work"));
        assertThat(exec).containsEntry("periodSeconds", 1).containsEntry("failureThreshold", 1);
        assertThat((Object) at(worker, "spec", "template", "spec", "containers", 0, "resources")).isNull();

        Map<String, Object> api = new Yaml().load(r.file("shop-api-deployment.yaml").content());
        assertThat((Object) at(api, "spec", "template", "spec", "containers", 0, "livenessProbe", "tcpSocket", "port"))
                .isEqualTo("http");
        assertThat(r.files()).extracting(ExportedFile::name).contains("shop-api-service.yaml", "shop-release-job.yaml")
                .doesNotContain("shop-release-deployment.yaml");
    }
}
