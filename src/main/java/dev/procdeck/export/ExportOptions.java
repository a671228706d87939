package dev.procdeck.export;

import dev.procdeck.procfile.RestartMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

/**
 * The choices of {@code procdeck export}; null means "the default".
 *
 * @param app            name prefix of every unit, program and object; null for the project folder's name, sanitised
 * @param user           user the processes run as (systemd, launchd, supervisord); null to leave it to the manager
 * @param formation      {@code -m} text ({@code all=1,web=2}); null for procdeck.yml's formation, else one of each
 * @param basePort       {@code -p}; null for PORT from .env or the environment, else 5000
 * @param image          container image (kubernetes only, required there)
 * @param logDir         folder of the log files (launchd, supervisord); null for /var/log/APP
 * @param stopTimeout    stop timeout of types without their own ({@code -t})
 * @param defaultRestart restart policy of types without their own
 * @param parentEnv      the environment procdeck runs with, for PORT as {@code start} reads it
 * @param zone           the local time zone of schedules (a CronJob's timeZone)
 * @param notSecret      variables whose values look like secrets but are not ({@code --not-secret})
 * @param exportingUser  who exports (the default user the processes run as); null for the user procdeck runs as
 */
public record ExportOptions(String app, String user, String formation, Integer basePort, String image, Path logDir,
                            Duration stopTimeout, RestartMode defaultRestart, Map<String, String> parentEnv,
                            ZoneId zone, java.util.Set<String> notSecret,
                            String exportingUser) {

    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);

    public ExportOptions {
        stopTimeout = stopTimeout == null ? DEFAULT_STOP_TIMEOUT : stopTimeout;
        defaultRestart = defaultRestart == null ? RestartMode.ALWAYS : defaultRestart;
        parentEnv = parentEnv == null ? Map.of() : Map.copyOf(parentEnv);
        zone = zone == null ? ZoneId.systemDefault() : zone;
        notSecret = notSecret == null ? java.util.Set.of() : java.util.Set.copyOf(notSecret);
        exportingUser = exportingUser == null ? System.getProperty("user.name") : exportingUser;
    }

    /** Every default, with an empty parent environment and the system's time zone. */
    public static ExportOptions defaults() {
        return new ExportOptions(null, null, null, null, null, null, null, null, Map.of(), null, null, null);
    }

    public ExportOptions withApp(String value) {
        return new ExportOptions(value, user, formation, basePort, image, logDir, stopTimeout, defaultRestart, parentEnv, zone, notSecret, exportingUser);
    }

    public ExportOptions withUser(String value) {
        return new ExportOptions(app, value, formation, basePort, image, logDir, stopTimeout, defaultRestart, parentEnv, zone, notSecret, exportingUser);
    }

    public ExportOptions withFormation(String value) {
        return new ExportOptions(app, user, value, basePort, image, logDir, stopTimeout, defaultRestart, parentEnv, zone, notSecret, exportingUser);
    }

    public ExportOptions withBasePort(Integer value) {
        return new ExportOptions(app, user, formation, value, image, logDir, stopTimeout, defaultRestart, parentEnv, zone, notSecret, exportingUser);
    }

    public ExportOptions withImage(String value) {
        return new ExportOptions(app, user, formation, basePort, value, logDir, stopTimeout, defaultRestart, parentEnv, zone, notSecret, exportingUser);
    }

    public ExportOptions withLogDir(Path value) {
        return new ExportOptions(app, user, formation, basePort, image, value, stopTimeout, defaultRestart, parentEnv, zone, notSecret, exportingUser);
    }

    public ExportOptions withStopTimeout(Duration value) {
        return new ExportOptions(app, user, formation, basePort, image, logDir, value, defaultRestart, parentEnv, zone, notSecret, exportingUser);
    }

    public ExportOptions withZone(ZoneId value) {
        return new ExportOptions(app, user, formation, basePort, image, logDir, stopTimeout, defaultRestart, parentEnv, value, notSecret, exportingUser);
    }

    public ExportOptions withNotSecret(java.util.Set<String> value) {
        return new ExportOptions(app, user, formation, basePort, image, logDir, stopTimeout, defaultRestart, parentEnv, zone, value, exportingUser);
    }

    public ExportOptions withExportingUser(String value) {
        return new ExportOptions(app, user, formation, basePort, image, logDir, stopTimeout, defaultRestart, parentEnv, zone, notSecret, value);
    }
}
