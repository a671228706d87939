package dev.procdeck.procfile;

/** Line handling shared by the project-file parsers: BOM, CRLF, CR-only and LF files all split alike. */
final class TextLines {
    private TextLines() {
    }

    static String stripBom(String text) {
        return !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
    }

    /** Splits on CRLF, LF or lone CR, keeping empty lines so that indices stay line numbers - 1. */
    static String[] split(String text) {
        if (text.isEmpty()) {
            return new String[0];
        }
        String[] lines = text.split("\r\n|\n|\r", -1);
        if (lines.length > 0 && lines[lines.length - 1].isEmpty()) {
            String[] shorter = new String[lines.length - 1];
            System.arraycopy(lines, 0, shorter, 0, shorter.length);
            return shorter;
        }
        return lines;
    }
}
