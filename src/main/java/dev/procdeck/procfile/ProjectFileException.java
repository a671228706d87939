package dev.procdeck.procfile;

import java.util.List;
import java.util.stream.Collectors;

/** A Procfile or .env that cannot be used; carries every problem found, not just the first. */
public final class ProjectFileException extends Exception {
    private final List<ParseProblem> problems;

    public ProjectFileException(List<ParseProblem> problems) {
        super(problems.stream().map(ParseProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public ProjectFileException(ParseProblem problem) {
        this(List.of(problem));
    }

    public List<ParseProblem> problems() {
        return problems;
    }
}
