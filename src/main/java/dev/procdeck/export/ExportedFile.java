package dev.procdeck.export;

/**
 * One file an export produces.
 *
 * @param name    file name inside the output folder (no folders)
 * @param content the text, UTF-8 when written
 * @param secret  holds secret values (a Kubernetes Secret): written readable by its owner only
 */
public record ExportedFile(String name, String content, boolean secret) {

    public ExportedFile {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a plain file name: " + name);
        }
    }

    public ExportedFile(String name, String content) {
        this(name, content, false);
    }
}
