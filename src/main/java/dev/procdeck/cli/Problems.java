package dev.procdeck.cli;

import dev.procdeck.procfile.ParseProblem;
import dev.procdeck.procfile.Visible;
import java.io.PrintStream;
import java.util.List;

/** Prints parser problems the same way for every command. */
final class Problems {
    private Problems() {
    }

    static void print(PrintStream err, List<ParseProblem> problems) {
        for (ParseProblem p : problems) {
            err.println(p); // ParseProblem.toString makes quoted project text visible
        }
    }

    /** A one-line error of procdeck's own; it may quote project text (a command, a PORT value), hence Visible. */
    static void printError(PrintStream err, String message) {
        err.println("procdeck: " + Visible.escape(message));
    }
}
