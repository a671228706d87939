package dev.procdeck.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.procfile.Project;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The router has no counterpart in systemd, launchd or supervisord: each export says so once, with nginx's config. */
class ReverseProxyTest {
    @TempDir
    Path root;

    @Test
    void serviceManagerExportsSayAReverseProxyBelongsInFrontAndGiveTheUpstreamWithEveryInstancesPort() throws Exception {
        Project p = Fixtures.project(root).type("web", "./web").type("worker", "./worker").build();
        for (ExportFormat f : new ExportFormat[] {ExportFormat.SYSTEMD, ExportFormat.LAUNCHD, ExportFormat.SUPERVISORD}) {
            ExportResult r = Exporter.export(f, p, Fixtures.options().withApp("shop").withFormation("web=2,worker=1")
                    .withBasePort(6000));
            String manager = f.name().toLowerCase(java.util.Locale.ROOT);
            assertThat(r.notes()).as(manager).singleElement().asString()
                    .startsWith(manager + ": web runs behind procdeck's router locally; " + manager + " routes nothing,"
                            + " so put a reverse proxy in front of its 2 instances (ports 6000, 6001). For nginx:\n")
                    .contains("upstream shop_web {\n    server 127.0.0.1:6000;  # web.1\n"
                            + "    server 127.0.0.1:6001;  # web.2\n    keepalive 32;\n}\n")
                    .contains("proxy_pass http://shop_web;").doesNotContain("6100");
            assertThat(r.warnings()).noneMatch(w -> w.contains("router"));
        }
    }

    @Test
    void kubernetesHasItsServiceAndNoRouterOrNoWebTypeMeansNoNote() throws Exception {
        Project web = Fixtures.project(root).type("web", "./web").build();
        assertThat(Exporter.export(ExportFormat.KUBERNETES, web, Fixtures.options().withApp("shop")
                .withImage("registry.example.com/shop:1")).notes()).isEmpty();
        Project workerOnly = Fixtures.project(root).type("worker", "./worker").build();
        assertThat(Exporter.export(ExportFormat.SYSTEMD, workerOnly, Fixtures.options().withApp("shop")).notes()).isEmpty();
        Project scaledToZero = Fixtures.project(root).type("web", "./web").type("worker", "./worker").build();
        assertThat(Exporter.export(ExportFormat.SYSTEMD, scaledToZero, Fixtures.options().withApp("shop")
                .withFormation("web=0,worker=1")).notes()).isEmpty();
    }
}
