package dev.procdeck.export;

/**
 * Writes an XML property list (Apple's plist DTD 1.0) with two-space indentation. Text is escaped; a character
 * XML 1.0 cannot hold at all (most control characters) is refused rather than written into a file launchd would
 * reject.
 */
final class PlistWriter {
    private final StringBuilder out = new StringBuilder();
    private int depth = 1;

    PlistWriter() {
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\"")
                .append(" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n");
        out.append("<plist version=\"1.0\">\n<dict>\n");
    }

    PlistWriter key(String key) {
        return element("key", key);
    }

    PlistWriter string(String value) {
        return element("string", value);
    }

    PlistWriter integer(long value) {
        return element("integer", Long.toString(value));
    }

    PlistWriter bool(boolean value) {
        indent().append(value ? "<true/>" : "<false/>").append('\n');
        return this;
    }

    PlistWriter beginDict() {
        indent().append("<dict>\n");
        depth++;
        return this;
    }

    PlistWriter endDict() {
        depth--;
        indent().append("</dict>\n");
        return this;
    }

    PlistWriter beginArray() {
        indent().append("<array>\n");
        depth++;
        return this;
    }

    PlistWriter endArray() {
        depth--;
        indent().append("</array>\n");
        return this;
    }

    String finish() {
        return out.append("</dict>\n</plist>\n").toString();
    }

    private PlistWriter element(String name, String text) {
        indent().append('<').append(name).append('>').append(escape(text)).append("</").append(name).append(">\n");
        return this;
    }

    private StringBuilder indent() {
        return out.append("  ".repeat(depth));
    }

    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                default -> {
                    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == '\uFFFE' || c == '\uFFFF') {
                        throw new IllegalArgumentException("'" + text + "' contains a control character, which a"
                                + " launchd property list cannot hold; remove it");
                    }
                    s.append(c == '\r' ? "&#13;" : String.valueOf(c));
                }
            }
        }
        return s.toString();
    }
}
