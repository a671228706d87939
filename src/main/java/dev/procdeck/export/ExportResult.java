package dev.procdeck.export;

import java.util.List;

/**
 * What an export produced: the files to write and what the user should know about them (secrets left out,
 * settings the target cannot express). Nothing is written yet; see {@link ExportWriter}.
 */
public record ExportResult(List<ExportedFile> files, List<String> warnings, List<String> notes) {

    public ExportResult {
        files = List.copyOf(files);
        warnings = List.copyOf(warnings);
        notes = List.copyOf(notes);
    }

    public ExportResult(List<ExportedFile> files, List<String> warnings) {
        this(files, warnings, List.of());
    }

    /**
     * @param notes advice that is not a problem of the export (a reverse proxy belongs in front of the routed type,
     *              with the nginx configuration to use); printed after the files
     */
    static ExportResult of(List<ExportedFile> files, AppPlan plan) {
        return new ExportResult(files, plan.warnings, plan.notes);
    }

    public ExportedFile file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no exported file " + name));
    }
}
