package dev.procdeck.ui;

import dev.procdeck.export.ExportFormat;
import dev.procdeck.export.ExportOptions;
import dev.procdeck.export.ExportResult;
import dev.procdeck.export.ExportWriter;
import dev.procdeck.export.Exporter;
import dev.procdeck.procfile.Project;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * File › Export… without a window: the open project, with the formation the dashboard shows now, written for
 * another process manager. Both the export and the writing run on the {@code io} executor, never the FX thread.
 */
final class ProjectExport {
    /** What the user asked for in the dialog. */
    record Request(ExportFormat format, Path outDir, String image, boolean overwrite) {
    }

    /** What happened: the files written and the warnings, or why nothing (or not all) was written. */
    record Outcome(List<Path> written, List<String> warnings, String error) {
        boolean ok() {
            return error == null;
        }

        /** The words the dialog shows. */
        String describe() {
            StringBuilder text = new StringBuilder();
            if (!ok()) {
                text.append("Export failed: ").append(error);
            } else {
                text.append("Wrote ").append(written.size()).append(written.size() == 1 ? " file:" : " files:");
                written.forEach(p -> text.append("\n  ").append(p));
            }
            if (!warnings.isEmpty()) {
                text.append("\n\nWarnings:");
                warnings.forEach(w -> text.append("\n  ").append(w));
            }
            return text.toString();
        }
    }

    private final Executor io;
    private final Project project;
    private final String formation;
    private final Map<String, String> parentEnv;

    /** @param formation the dashboard's formation ({@code web=2,worker=1}), or null/empty for the project's default */
    ProjectExport(Executor io, Project project, String formation, Map<String, String> parentEnv) {
        this.io = io;
        this.project = project;
        this.formation = formation == null || formation.isEmpty() ? null : formation;
        this.parentEnv = Map.copyOf(parentEnv);
    }

    Project project() {
        return project;
    }

    String formation() {
        return formation;
    }

    /** Never completes exceptionally: a refusal is an {@link Outcome} with an error. */
    CompletableFuture<Outcome> run(Request request) {
        return CompletableFuture.supplyAsync(() -> {
            String image = request.image() == null || request.image().isBlank() ? null : request.image().strip();
            ExportOptions options = new ExportOptions(null, null, formation, null, image, null, null, null,
                    parentEnv, null, null, null);
            ExportResult result;
            try {
                result = Exporter.export(request.format(), project, options);
            } catch (IllegalArgumentException e) {
                return new Outcome(List.of(), List.of(), e.getMessage());
            }
            try {
                return new Outcome(ExportWriter.write(request.outDir(), result.files(), request.overwrite()),
                        result.warnings(), null);
            } catch (IOException | RuntimeException e) {
                return new Outcome(List.of(), result.warnings(), e.getMessage());
            }
        }, io);
    }
}
