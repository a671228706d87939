package dev.procdeck.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.Readiness;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** What each manager cannot express is said once per setting, and nothing runs as root without a word. */
class ExportGapsTest {
    @TempDir
    Path root;

    private static final List<ExportFormat> SERVICE_MANAGERS =
            List.of(ExportFormat.SYSTEMD, ExportFormat.LAUNCHD, ExportFormat.SUPERVISORD);

    private static String manager(ExportFormat f) {
        return f.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Test
    void aTerminalTypeIsLeftOutOfServiceManagersWithWhyAndAttachableUnderKubernetes() {
        Project p = Fixtures.project(root).type("web", "./web").type("console", "irb", Fixtures.tty()).build();
        for (ExportFormat f : SERVICE_MANAGERS) {
            ExportResult r = Exporter.export(f, p, Fixtures.options().withApp("shop"));
            assertThat(r.files()).as(f.toString()).noneMatch(file -> file.name().contains("console")
                    || file.content().contains("irb"));
            assertThat(r.warnings()).as(f.toString()).contains(manager(f) + ": console is left out: it runs in a"
                    + " terminal (tty: true), which " + manager(f) + " does not give a service (it would read"
                    + " end-of-file and restart for ever); run it with procdeck start and procdeck connect console");
        }
        ExportResult k8s = Exporter.export(ExportFormat.KUBERNETES, p,
                Fixtures.options().withApp("shop").withImage("registry.example.com/shop:1"));
        Map<String, Object> deployment = new Yaml().load(k8s.file("shop-console-deployment.yaml").content());
        @SuppressWarnings("unchecked")
        Map<String, Object> container = ((List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>)
                ((Map<String, Object>) deployment.get("spec")).get("template")).get("spec")).get("containers")).get(0);
        assertThat(container).containsEntry("stdin", true).containsEntry("tty", true);
    }

    @Test
    void withoutDashUTheProcessesRunAsTheExportingUserAndRootIsSaid() {
        Project p = Fixtures.project(root).type("web", "./web").build();
        ExportResult asAlice = Exporter.export(ExportFormat.SYSTEMD, p, Fixtures.options().withApp("shop"));
        assertThat(asAlice.file("shop-web-1.service").content()).contains("User=alice\n");
        assertThat(asAlice.warnings()).isEmpty();

        ExportResult asRoot = Exporter.export(ExportFormat.SUPERVISORD, p,
                Fixtures.options().withApp("shop").withExportingUser("root"));
        assertThat(asRoot.file("shop.conf").content()).contains("user=root\n");
        assertThat(asRoot.warnings()).containsExactly("supervisord: the processes run as root, the user who exported"
                + " them; -u USER runs them as another user");

        // sudo procdeck export ...: the user who ran sudo, not root.
        ExportOptions sudo = new ExportOptions(null, null, null, null, null, null, null, null,
                Map.of("SUDO_USER", "bob"), null, null, "root").withApp("shop");
        ExportResult viaSudo = Exporter.export(ExportFormat.LAUNCHD, p, sudo);
        assertThat(viaSudo.file("shop-web-1.plist").content()).contains("<key>UserName</key>", "<string>bob</string>");
        assertThat(viaSudo.warnings()).isEmpty();
    }

    @Test
    void readinessAndStartOrderAManagerCannotExpressAreNamedOncePerSetting() {
        Project p = Fixtures.project(root).type("web", "./web", Fixtures.ready(Readiness.Kind.LOG, "listening"))
                .type("worker", "./w", Fixtures.dependsOn("web")).build();
        ExportResult supervisord = Exporter.export(ExportFormat.SUPERVISORD, p, Fixtures.options().withApp("shop"));
        assertThat(supervisord.warnings()).contains(
                "supervisord: web's readiness check (ready: log listening) is not exported: supervisord counts a"
                        + " program as started once it runs",
                "supervisord: worker depends_on web, but supervisord starts every program at once: the start order is"
                        + " not exported");
        ExportResult systemd = Exporter.export(ExportFormat.SYSTEMD, p, Fixtures.options().withApp("shop"));
        assertThat(systemd.file("shop-worker-1.service").content()).contains("After=network.target shop-web-1.service\n");
        assertThat(systemd.warnings()).noneMatch(w -> w.contains("depends_on"))
                .anyMatch(w -> w.startsWith("systemd: web's readiness check (ready: log listening) is not exported"));
        ExportResult k8s = Exporter.export(ExportFormat.KUBERNETES, p,
                Fixtures.options().withApp("shop").withImage("registry.example.com/shop:1"));
        assertThat(k8s.warnings()).contains("kubernetes: web's readiness check (ready: log) is not exported: probes"
                + " check ports, HTTP and commands, not a container's output");
    }

    @Test
    void supervisordLogsGoWhereSupervisordKeepsThemUnlessAFolderIsGivenWhichMustExist() {
        Project p = Fixtures.project(root).type("web", "./web").build();
        ExportResult plain = Exporter.export(ExportFormat.SUPERVISORD, p, Fixtures.options().withApp("shop"));
        assertThat(plain.file("shop.conf").content()).contains("stdout_logfile=AUTO\n");
        ExportResult given = Exporter.export(ExportFormat.SUPERVISORD, p,
                Fixtures.options().withApp("shop").withLogDir(Path.of("/srv/logs/shop")));
        assertThat(given.file("shop.conf").content()).contains("stdout_logfile=/srv/logs/shop/shop-web-1.log\n");
        assertThat(given.warnings()).contains("supervisord: create the log folder before starting the programs"
                + " (supervisord refuses to start them without it): mkdir -p /srv/logs/shop");
    }
}
