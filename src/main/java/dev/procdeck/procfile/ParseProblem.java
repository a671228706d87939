package dev.procdeck.procfile;

/**
 * One finding of a parser: where it is (file as the user named it, 1-based line), what is wrong and
 * how to fix it. Rendered like a compiler message so editors and terminals can link to it.
 */
public record ParseProblem(String file, int line, Severity severity, String message) {

    public enum Severity { ERROR, WARNING }

    public static ParseProblem error(String file, int line, String message) {
        return new ParseProblem(file, line, Severity.ERROR, message);
    }

    public static ParseProblem warning(String file, int line, String message) {
        return new ParseProblem(file, line, Severity.WARNING, message);
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
        String where = line > 0 ? file + ":" + line : file;
        return Visible.escape(where) + ": " + (isError() ? "error" : "warning") + ": " + Visible.escape(message);
    }
}
