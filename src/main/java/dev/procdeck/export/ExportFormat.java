package dev.procdeck.export;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The process managers {@code procdeck export} writes configuration for. */
public enum ExportFormat {
    /** One unit per instance plus {@code APP.target}; scheduled types as a service and a timer. */
    SYSTEMD,
    /** One property list per instance, for macOS launchd. */
    LAUNCHD,
    /** One {@code APP.conf} with a program per instance. */
    SUPERVISORD,
    /** Deployments, Services, a ConfigMap and a Secret, CronJobs and a release Job. */
    KUBERNETES;

    /** As typed on the command line: {@code systemd}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static String choices() {
        return Arrays.stream(values()).map(ExportFormat::spelling).collect(Collectors.joining(", "));
    }

    /** @throws IllegalArgumentException naming the valid formats */
    public static ExportFormat parse(String text) {
        for (ExportFormat f : values()) {
            if (f.spelling().equals(text.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown export format '" + text + "'; choose one of " + choices());
    }
}
