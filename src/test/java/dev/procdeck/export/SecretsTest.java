package dev.procdeck.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.procfile.Project;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** Secrets are recognised by their values too: a name says nothing about DATABASE_URL=postgres://u:pw@db/x. */
class SecretsTest {
    @TempDir
    Path root;

    @Test
    void valuesThatAreSecretsWhateverTheirName() {
        assertThat(Secrets.whyValueIsSecret("postgres://u:pw@db/x")).hasValue("a URL with a password");
        assertThat(Secrets.whyValueIsSecret("redis://:s3cret@cache:6379/0")).hasValue("a URL with a password");
        assertThat(Secrets.whyValueIsSecret("Bearer abcdefgh12345678")).hasValue("a credential (bearer ...)");
        assertThat(Secrets.whyValueIsSecret("Basic dXNlcjpwYXNz")).hasValue("a credential (basic ...)");
        assertThat(Secrets.whyValueIsSecret("ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8")).hasValue("a service token");
        assertThat(Secrets.whyValueIsSecret("AKIA" + "IOSFODNN7EXAMPLE")).hasValue("a service token");
        assertThat(Secrets.whyValueIsSecret("xoxb-123456789012-abcdefghij")).hasValue("a service token");
        assertThat(Secrets.whyValueIsSecret("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1r\n")).hasValue("a private key");
        assertThat(Secrets.whyValueIsSecret("q8Zr2LmX0vT7pWk4Yb9nHs3Jd6Fg1Ce5")).hasValue("a long random-looking string");
        assertThat(Secrets.whyValueIsSecret("3f9a1c2b7d8e4f60a1b2c3d4e5f60718")).hasValue("a long random-looking string");
    }

    @Test
    void ordinaryConfigurationIsNot() {
        for (String v : List.of("postgres://db/x", "redis://cache:6379/0", "https://user@example.com/path",
                "info", "production", "/usr/local/lib/python3.11/site-packages", "en_US.UTF-8", "1.2.3-rc4",
                "worker-queue-high-priority-2", "https://example.com/a/b/c?x=1&y=2", "Europe/Berlin",
                "max-old-space-size=4096", "0.0.0.0", "true", "")) {
            assertThat(Secrets.whyValueIsSecret(v)).as(v).isEmpty();
        }
    }

    @Test
    void aUrlWithAPasswordGoesIntoTheSecretNotTheConfigMapAndTheWarningSaysHowToOverride() {
        Project p = Fixtures.project(root).type("web", "./web", Fixtures.env(Map.of("AUTH", "Bearer abcdefgh12345678")))
                .env("DATABASE_URL", "postgres://u:pw@db/x").env("REDIS_URL", "redis://:pw2@cache/0")
                .env("LOG_LEVEL", "info").build();
        ExportOptions options = Fixtures.options().withApp("shop").withImage("registry.example.com/shop:1.0");
        ExportResult r = Exporter.export(ExportFormat.KUBERNETES, p, options);
        Map<String, Object> secret = new Yaml().load(r.file("shop-secret-secret.yaml").content());
        assertThat((Map<String, Object>) secret.get("stringData"))
                .containsOnlyKeys("DATABASE_URL", "REDIS_URL");
        for (ExportedFile f : r.files()) {
            if (!f.secret()) {
                assertThat(f.content()).as(f.name()).doesNotContain("u:pw@", ":pw2@", "abcdefgh12345678");
            }
        }
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains(
                "treated as secrets for their values: AUTH (a credential (bearer ...)), DATABASE_URL (a URL with a"
                        + " password), REDIS_URL (a URL with a password)",
                "--not-secret AUTH,DATABASE_URL,REDIS_URL"));

        ExportResult overridden = Exporter.export(ExportFormat.KUBERNETES, p, options.withNotSecret(Set.of("REDIS_URL")));
        Map<String, Object> config = new Yaml().load(overridden.file("shop-env-configmap.yaml").content());
        assertThat((Map<String, Object>) config.get("data")).containsEntry("REDIS_URL", "redis://:pw2@cache/0");
    }

    @Test
    void launchdSupervisordAndSystemdLeaveSuchValuesOutOfTheirFiles() {
        Project p = Fixtures.project(root).type("web", "./web").env("DATABASE_URL", "postgres://u:pw@db/x")
                .env("LOG_LEVEL", "info").build();
        for (ExportFormat format : List.of(ExportFormat.LAUNCHD, ExportFormat.SUPERVISORD, ExportFormat.SYSTEMD)) {
            ExportResult r = Exporter.export(format, p, Fixtures.options().withApp("shop"));
            for (ExportedFile f : r.files()) {
                assertThat(f.content()).as(format + " " + f.name()).doesNotContain("u:pw@");
            }
            if (format != ExportFormat.SYSTEMD) { // systemd units read the .env itself (EnvironmentFile=)
                assertThat(r.warnings()).as(format.toString())
                        .anySatisfy(w -> assertThat(w).contains("DATABASE_URL (a URL with a password)"));
            }
        }
    }
}
