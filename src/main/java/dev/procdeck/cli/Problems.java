package dev.procdeck.cli;

import dev.procdeck.procfile.ParseProblem;
import java.io.PrintStream;
import java.util.List;

/** Prints parser problems the same way for every command. */
final class Problems {
    private Problems() {
    }

    static void print(PrintStream err, List<ParseProblem> problems) {
        for (ParseProblem p : problems) {
            err.println(p);
        }
    }
}
