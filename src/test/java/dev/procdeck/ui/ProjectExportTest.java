package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.export.ExportFormat;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File › Export… without a window: the dashboard's formation, written on the io executor, refusals in words. */
class ProjectExportTest {
    @TempDir
    Path dir;

    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-io"));

    @AfterEach
    void tearDown() {
        io.shutdownNow();
    }

    private Project project() throws Exception {
        Path root = Files.createDirectories(dir.resolve("shop"));
        Files.writeString(root.resolve("Procfile"), "web: ./web\nworker: ./worker\n");
        return ProjectLoader.load(root, null, List.of(), Map.of());
    }

    @Test
    void exportsTheFormationShownNowAndRefusesANonEmptyFolderUnlessOverwriting() throws Exception {
        ProjectExport export = new ProjectExport(io, project(), "web=2,worker=0", Map.of());
        Path out = dir.resolve("out");
        ProjectExport.Outcome first = export.run(new ProjectExport.Request(ExportFormat.SYSTEMD, out, "", false))
                .get(20, TimeUnit.SECONDS);
        assertThat(first.ok()).as(first.describe()).isTrue();
        assertThat(first.written()).extracting(p -> p.getFileName().toString())
                .contains("shop-web-1.service", "shop-web-2.service").doesNotContain("shop-worker-1.service");
        assertThat(Files.readString(out.resolve("shop-web-2.service"))).contains("PORT=");
        assertThat(first.describe()).startsWith("Wrote ").contains("shop-web-2.service");

        ProjectExport.Outcome again = export.run(new ProjectExport.Request(ExportFormat.SYSTEMD, out, "", false))
                .get(20, TimeUnit.SECONDS);
        assertThat(again.ok()).isFalse();
        assertThat(again.describe()).startsWith("Export failed: ").contains("not empty");

        ProjectExport.Outcome forced = export.run(new ProjectExport.Request(ExportFormat.SYSTEMD, out, "", true))
                .get(20, TimeUnit.SECONDS);
        assertThat(forced.ok()).as(forced.describe()).isTrue();
    }

    @Test
    void kubernetesWithoutAnImageIsRefusedWithTheReasonAndWithOneWritesManifests() throws Exception {
        ProjectExport export = new ProjectExport(io, project(), "", Map.of());
        ProjectExport.Outcome refused = export.run(new ProjectExport.Request(ExportFormat.KUBERNETES,
                dir.resolve("k8s"), " ", false)).get(20, TimeUnit.SECONDS);
        assertThat(refused.ok()).isFalse();
        assertThat(refused.error()).containsIgnoringCase("image");
        assertThat(dir.resolve("k8s")).doesNotExist();

        ProjectExport.Outcome written = export.run(new ProjectExport.Request(ExportFormat.KUBERNETES,
                dir.resolve("k8s"), "registry.example/shop:1", false)).get(20, TimeUnit.SECONDS);
        assertThat(written.ok()).as(written.describe()).isTrue();
        assertThat(written.written()).isNotEmpty();
        assertThat(String.join("\n", written.written().stream().map(p -> {
            try {
                return Files.readString(p);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList())).contains("registry.example/shop:1");
    }
}
