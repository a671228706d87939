package dev.procdeck.procfile;

/**
 * Makes project-controlled text safe to echo on a terminal. A Procfile or .env line quoted in one of our own
 * messages must never act on the terminal that shows it: {@code ESC ] 52 ;} would write the clipboard,
 * {@code ESC [ 2 J} clear the screen, a CR or newline forge another "error:" line. Every control character is
 * therefore shown as an escape instead of being sent; tabs stay tabs because they are harmless and readable.
 */
public final class Visible {
    private Visible() {
    }

    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        int i = 0;
        while (i < text.length() && !needsEscape(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text; // the common case allocates nothing
        }
        StringBuilder out = new StringBuilder(text.length() + 8).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!needsEscape(c)) {
                out.append(c);
            } else if (c == '\u001b') {
                out.append("\\e");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c <= 0xff) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    /**
     * C0 controls but tab, DEL, C1 controls (U+0080..U+009F; some terminals take U+009B as CSI) and the
     * bidirectional overrides that can make a shown command read differently from what runs.
     */
    private static boolean needsEscape(char c) {
        return (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f)
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200e' || c == '\u200f';
    }
}
