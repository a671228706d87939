package dev.procdeck.procfile;

import java.util.List;
import java.util.Optional;

/** A parsed Procfile: its process types in file order, plus warnings that did not stop parsing. */
public record Procfile(String source, List<ProcessType> types, List<ParseProblem> warnings) {

    public Procfile {
        types = List.copyOf(types);
        warnings = List.copyOf(warnings);
    }

    public Optional<ProcessType> type(String name) {
        return types.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public List<String> typeNames() {
        return types.stream().map(ProcessType::name).toList();
    }
}
