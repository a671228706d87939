package dev.procdeck.export;

import dev.procdeck.procfile.Project;

/**
 * Turns a project into the configuration of another process manager, as {@code start} would run it: the same
 * formation, ports, environment and per-type settings. Pure: nothing is printed or written; see
 * {@link ExportWriter} for putting the files on disk.
 */
public final class Exporter {
    private Exporter() {
    }

    /**
     * @throws IllegalArgumentException when the project or options cannot be exported as asked (unknown type in
     *                                  the formation, a schedule the format cannot express, no image for
     *                                  kubernetes...), with a message saying what to change
     */
    public static ExportResult export(ExportFormat format, Project project, ExportOptions options) {
        AppPlan plan = AppPlan.of(project, options);
        ExportResult result = switch (format) {
            case SYSTEMD -> SystemdExporter.export(plan);
            case LAUNCHD -> LaunchdExporter.export(plan);
            case SUPERVISORD -> SupervisordExporter.export(plan);
            case KUBERNETES -> KubernetesExporter.export(plan);
        };
        plan.warnValueSecrets();
        return new ExportResult(result.files(), plan.warnings, plan.notes);
    }
}
