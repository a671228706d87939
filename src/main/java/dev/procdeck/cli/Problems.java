package dev.procdeck.cli;

import dev.procdeck.procfile.ParseProblem;
import dev.procdeck.procfile.Visible;
import java.io.PrintStream;
import java.util.List;

/** Prints parser problems the same way for every command. */
final class Problems {
    private Problems() {
    }

    /** Problems shown in full; the rest are counted (a hostile file can hold a hundred thousand of them). */
    static final int SHOWN = 20;

    static void print(PrintStream err, List<ParseProblem> problems) {
        for (ParseProblem p : problems.subList(0, Math.min(SHOWN, problems.size()))) {
            err.println(p); // ParseProblem.toString makes quoted project text visible
        }
        if (problems.size() > SHOWN) {
            java.util.Map<String, Integer> byFile = new java.util.LinkedHashMap<>();
            long errors = 0;
            for (ParseProblem p : problems.subList(SHOWN, problems.size())) {
                byFile.merge(p.file(), 1, Integer::sum);
                errors += p.isError() ? 1 : 0;
            }
            int more = problems.size() - SHOWN;
            List<String> where = byFile.entrySet().stream().map(e -> e.getValue() + " in " + e.getKey()).toList();
            err.println("procdeck: " + Visible.escape(more + " more " + (more == 1 ? "problem" : "problems") + " not shown ("
                    + String.join(", ", where) + "; " + errors + (errors == 1 ? " error" : " errors")
                    + "): fix the ones above first"));
        }
    }

    /** A one-line error of procdeck's own; it may quote project text (a command, a PORT value), hence Visible. */
    static void printError(PrintStream err, String message) {
        err.println("procdeck: " + Visible.escape(message));
    }
}
