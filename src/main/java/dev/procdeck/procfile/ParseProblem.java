package dev.procdeck.procfile;

/**
 * One finding of a parser: where it is (file as the user named it, 1-based line, 1-based column when known),
 * what is wrong and how to fix it. Rendered like a compiler message so editors and terminals can link to it.
 *
 * @param line   1-based line, or 0 when the problem is about the whole file
 * @param column 1-based column, or 0 when not known (the Procfile and .env parsers report lines only)
 */
public record ParseProblem(String file, int line, int column, Severity severity, String message) {

    public enum Severity { ERROR, WARNING }

    /** A problem located by line only. */
    public ParseProblem(String file, int line, Severity severity, String message) {
        this(file, line, 0, severity, message);
    }

    public static ParseProblem error(String file, int line, String message) {
        return new ParseProblem(file, line, Severity.ERROR, message);
    }

    public static ParseProblem warning(String file, int line, String message) {
        return new ParseProblem(file, line, Severity.WARNING, message);
    }

    public static ParseProblem error(String file, int line, int column, String message) {
        return new ParseProblem(file, line, column, Severity.ERROR, message);
    }

    public static ParseProblem warning(String file, int line, int column, String message) {
        return new ParseProblem(file, line, column, Severity.WARNING, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /**
     * The message as printed. File names and messages quote project-controlled text (lines, keys, commands),
     * so they are made {@link Visible} here, the one place every problem is rendered.
     */
    @Override
    public String toString() {
        String where = line <= 0 ? file : column <= 0 ? file + ":" + line : file + ":" + line + ":" + column;
        return Visible.escape(where) + ": " + (isError() ? "error" : "warning") + ": " + Visible.escape(message);
    }
}
