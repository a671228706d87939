package dev.procdeck.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.RestartMode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class SupervisordExportTest {
    @TempDir
    Path root;

    private ExportResult export(Project p, ExportOptions options) {
        return Exporter.export(ExportFormat.SUPERVISORD, p, options);
    }

    @Test
    void oneProgramPerInstanceInAGroup() {
        Project p = Fixtures.project(root).type("web", "./web")
                .type("worker", "./w", Fixtures.restart(RestartMode.ON_FAILURE, "INT", Duration.ofMillis(1500)))
                .type("once", "./o", Fixtures.restart(RestartMode.NEVER, null, null))
                .env("DATABASE_URL", "postgres://db/x").build();
        ExportResult r = export(p, Fixtures.options().withApp("shop").withFormation("web=2,worker=1,once=1")
                .withUser("deploy"));
        assertThat(r.files()).extracting(ExportedFile::name).containsExactly("shop.conf");
        String conf = r.file("shop.conf").content();
        assertThat(conf).contains("[program:shop-web-1]\n", "[program:shop-web-2]\n", "[program:shop-worker-1]\n",
                "[group:shop]\nprograms=shop-web-1,shop-web-2,shop-worker-1,shop-once-1\n");
        String web2 = section(conf, "shop-web-2");
        assertThat(web2).contains("command=/bin/sh -c './web'\n", "directory=" + root + "\n", "user=deploy\n",
                "autorestart=true\n", "stopsignal=TERM\n", "stopwaitsecs=5\n", "stopasgroup=true\n",
                "killasgroup=true\n", "stdout_logfile=AUTO\n",
                "environment=PORT=\"5001\",PS=\"web.2\",DYNO=\"web.2\",DATABASE_URL=\"postgres://db/x\","
                        + "PYTHONUNBUFFERED=\"1\"\n");
        assertThat(section(conf, "shop-worker-1")).contains("autorestart=unexpected\nexitcodes=0\n", "stopsignal=INT\n",
                "stopwaitsecs=2\n");
        assertThat(section(conf, "shop-once-1")).contains("autorestart=false\n");
    }

    private static String section(String conf, String program) {
        int start = conf.indexOf("[program:" + program + "]");
        int end = conf.indexOf("\n[", start + 1);
        return conf.substring(start, end < 0 ? conf.length() : end + 1);
    }

    @Test
    void aCommandKeepsNoSequenceSupervisordWouldReadAsAComment() {
        assertThat(SupervisordExporter.shellWord("a ; b #c 'q'")).isEqualTo("'a '\\;' b '\\#'c '\\''q'\\'''");
        assertThat(SupervisordExporter.shellWord("a;b#c")).isEqualTo("'a;b#c'");
    }

    @Test
    void scheduledTypesAndSecretsAreLeftOutWithWarnings() {
        Project p = Fixtures.project(root).type("web", "./web")
                .type("clock", "./tick", Fixtures.scheduled("every 5m", Overlap.SKIP))
                .env("GITHUB_TOKEN", "ghp_value").build();
        ExportResult r = export(p, Fixtures.options().withApp("shop"));
        assertThat(r.file("shop.conf").content()).doesNotContain("clock", "ghp_value", "GITHUB_TOKEN");
        assertThat(r.warnings()).hasSize(2);
        assertThat(r.warnings().get(0)).contains("clock", "every 5m", "cannot");
        assertThat(r.warnings().get(1)).contains("GITHUB_TOKEN", "give them to supervisord");
    }

    @Test
    void valuesSupervisordCannotReadBackAreRefusedByName() {
        for (String value : List.of("both \" and '", "\"starts with a quote", "a ;comment", "x #y", "line1\nline2",
                "red \u001b[31m")) {
            Project p = Fixtures.project(root).type("web", "./web").env("ODD", value).build();
            assertThatThrownBy(() -> export(p, Fixtures.options())).as(value)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ODD=")
                    // The message is printed: a newline or escape from .env must not reach the terminal raw.
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\u001b"));
        }
    }

    /** supervisord's own config reader gets back exactly the commands and environments procdeck runs. */
    @Test
    @SuppressWarnings("unchecked")
    void supervisordReadsBackTheExactCommandsAndEnvironment() throws Exception {
        Path supervisord = ExternalTool.require("supervisord");
        String shebang = Files.readAllLines(supervisord).get(0);
        String python = shebang.startsWith("#!") ? shebang.substring(2).trim().split("\\s+")[0] : "python3";
        Path reader = root.resolve("supervisord-read.py");
        try (InputStream in = getClass().getResourceAsStream("supervisord-read.py")) {
            Files.copy(in, reader);
        }
        Path logs = Files.createDirectories(root.resolve("logs"));
        String hostile = "exec ./server --name \"a b\" 'it''s' 100% $PORT ; echo done # not a comment \\ back";
        Project p = Fixtures.project(root).type("web", hostile)
                .type("worker", "./w", Fixtures.restart(RestartMode.ON_FAILURE, "QUIT", Duration.ofSeconds(20)))
                .env("QUOTED", "say \"hi\", then bye!").env("SINGLE", "it's").env("COMMA", "a,b=c").env("PERCENT", "100%(x)s")
                .env("HERE", "%(here)s").env("API_KEY", "secret").build();
        ExportResult r = export(p, Fixtures.options().withApp("shop").withFormation("web=2,worker=1")
                .withUser("root").withLogDir(logs));
        Path conf = ExportWriter.write(root.resolve("out"), r.files(), false).get(0);

        ExternalTool.Result result = ExternalTool.run(List.of(python, reader.toString(), conf.toString()), 60);
        assertThat(result.code()).as(result.output()).isZero();
        List<Map<String, Object>> programs = (List<Map<String, Object>>) new Yaml().load(result.output());
        assertThat(programs).extracting(m -> m.get("name")).containsExactly("shop-web-1", "shop-web-2", "shop-worker-1");
        Map<String, Object> web2 = programs.get(1);
        assertThat(web2.get("group")).isEqualTo("shop");
        assertThat(web2.get("argv")).isEqualTo(List.of("/bin/sh", "-c", hostile));
        assertThat(web2.get("directory")).isEqualTo(root.toString());
        assertThat((Map<String, Object>) web2.get("environment")).containsEntry("PORT", "5001")
                .containsEntry("PS", "web.2").containsEntry("QUOTED", "say \"hi\", then bye!").containsEntry("SINGLE", "it's")
                .containsEntry("COMMA", "a,b=c").containsEntry("PERCENT", "100%(x)s").doesNotContainKey("HERE").doesNotContainKey("API_KEY");
        assertThat(r.warnings()).contains("supervisord: HERE is left out: its value holds %(here)s, which supervisord"
                + " replaces with the configuration's folder before anything else, so no escaping can keep it; give it"
                + " to supervisord yourself");
        assertThat(web2).containsEntry("stopsignal", 15).containsEntry("stopwaitsecs", 5)
                .containsEntry("stopasgroup", true).containsEntry("killasgroup", true).containsEntry("uid", 0);
        Map<String, Object> worker = programs.get(2);
        assertThat(worker).containsEntry("stopsignal", 3).containsEntry("stopwaitsecs", 20)
                .containsEntry("exitcodes", List.of(0));
        assertThat((String) worker.get("autorestart")).contains("RestartWhenExitUnexpected");
    }
}
