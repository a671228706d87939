package dev.procdeck.export;

import java.util.List;

/**
 * What an export produced: the files to write and what the user should know about them (secrets left out,
 * settings the target cannot express). Nothing is written yet; see {@link ExportWriter}.
 */
public record ExportResult(List<ExportedFile> files, List<String> warnings) {

    public ExportResult {
        files = List.copyOf(files);
        warnings = List.copyOf(warnings);
    }

    public ExportedFile file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no exported file " + name));
    }
}
