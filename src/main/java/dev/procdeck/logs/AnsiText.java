package dev.procdeck.logs;

import java.util.ArrayList;
import java.util.List;

/**
 * The one ANSI reader of procdeck. Children's output may carry SGR colour codes, which we keep or render,
 * and every other escape or control sequence (cursor moves, clear screen, window title, OSC 52 clipboard
 * writes, 8-bit C1 controls), which we always remove so that no child can take over a terminal or the console.
 */
public final class AnsiText {
    private static final char ESC = 0x1b;

    private AnsiText() {
    }

    /** A run of text with the SGR style in force. */
    public record Run(String text, AnsiStyle style) {
    }

    /** True if the text needs no cleaning: no ESC, no C0/C1 control except TAB. The common, fast case. */
    public static boolean isPlain(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 ? c != '\t' : (c >= 0x7f && c <= 0x9f) || isBidiControl(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The invisible bidirectional controls (embeddings, overrides, isolates, marks): a child's
     * {@code deploy to <RLO>dorp-ton<PDF> staging} would read "deploy to not-prod staging". They are shown as
     * {@code \u202e}, as procfile.Visible shows them in procdeck's own messages (the same set; the layers keep
     * the two packages apart).
     */
    public static boolean isBidiControl(char c) {
        return (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f'
                || c == '\u061c';
    }

    private static void appendVisible(StringBuilder out, char c) {
        out.append(String.format("\\u%04x", (int) c));
    }

    /** Keeps SGR sequences, removes every other control sequence. */
    public static String keepColours(String text) {
        return isPlain(text) ? text : clean(text, true);
    }

    /** Removes every escape and control sequence, colours included. */
    public static String strip(String text) {
        return isPlain(text) ? text : clean(text, false);
    }

    /**
     * Removes the colour codes of a text that is already clean of every other control (every
     * {@link LogLine#text()} is): a single vectorised search for ESC in the common case.
     */
    public static String stripColours(String sanitized) {
        return sanitized.indexOf(ESC) < 0 ? sanitized : clean(sanitized, false);
    }

    /** The text of a line without colour codes. */
    public static String stripColours(LogLine line) {
        return line.plain() ? line.text() : stripColours(line.text());
    }

    /** Splits into styled runs; non-SGR sequences are dropped. Styles carry over between runs. */
    public static List<Run> parse(String text, AnsiStyle initial) {
        List<Run> runs = new ArrayList<>();
        if (isPlain(text)) {
            runs.add(new Run(text, initial));
            return runs;
        }
        AnsiStyle style = initial;
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == ESC || c == 0x9b || c == 0x9d) {
                Sequence seq = scan(text, i);
                if (seq.sgrParams != null) {
                    if (current.length() > 0) {
                        runs.add(new Run(current.toString(), style));
                        current.setLength(0);
                    }
                    style = style.apply(seq.sgrParams);
                }
                i = seq.end;
                continue;
            }
            if (isDroppedControl(c)) {
                i++;
                continue;
            }
            if (isBidiControl(c)) {
                appendVisible(current, c);
            } else {
                current.append(c);
            }
            i++;
        }
        if (current.length() > 0 || runs.isEmpty()) {
            runs.add(new Run(current.toString(), style));
        }
        return runs;
    }

    /** The style in force after the whole text, for carrying colour state across lines. */
    public static AnsiStyle styleAfter(String text, AnsiStyle initial) {
        List<Run> runs = parse(text, initial);
        return runs.get(runs.size() - 1).style();
    }

    private static String clean(String text, boolean keepSgr) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == ESC || c == 0x9b || c == 0x9d) {
                Sequence seq = scan(text, i);
                if (keepSgr && seq.sgrParams != null) {
                    out.append(ESC).append('[').append(seq.sgrParams).append('m');
                }
                i = seq.end;
                continue;
            }
            if (isBidiControl(c)) {
                appendVisible(out, c);
            } else if (!isDroppedControl(c)) {
                out.append(c);
            }
            i++;
        }
        return out.toString();
    }

    private static boolean isDroppedControl(char c) {
        return c < 0x20 ? c != '\t' : (c >= 0x7f && c <= 0x9f);
    }

    private record Sequence(int end, String sgrParams) {
    }

    /** Scans one escape sequence starting at {@code start}; sgrParams is non-null only for a well-formed SGR. */
    private static Sequence scan(String s, int start) {
        Sequence seq = scanChars(s, start);
        int end = seq.end;
        if (end > start + 1 && end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))
                && Character.isLowSurrogate(s.charAt(end))) {
            // Never split a surrogate pair (a lone surrogate does not survive UTF-8): drop the whole character.
            return new Sequence(end + 1, seq.sgrParams);
        }
        return seq;
    }

    private static Sequence scanChars(String s, int start) {
        int n = s.length();
        char c = s.charAt(start);
        int i;
        boolean csi;
        boolean osc;
        if (c == 0x9b) {
            csi = true;
            osc = false;
            i = start + 1;
        } else if (c == 0x9d) {
            csi = false;
            osc = true;
            i = start + 1;
        } else {
            if (start + 1 >= n) {
                return new Sequence(n, null);
            }
            char kind = s.charAt(start + 1);
            csi = kind == '[';
            osc = kind == ']' || kind == 'P' || kind == '_' || kind == '^' || kind == 'X';
            i = start + 2;
            if (!csi && !osc && (kind < 0x20 || kind > 0x7e)) {
                // ESC before a non-ASCII character (or a control) is no sequence: drop the ESC alone, so that a
                // surrogate pair is never split (a lone surrogate would not survive UTF-8).
                return new Sequence(start + 1, null);
            }
            if (!csi && !osc) {
                // Two-character escape (ESC c resets the terminal, ESC 7 saves the cursor...), possibly with
                // intermediate bytes (ESC ( B).
                int j = start + 1;
                while (j < n && s.charAt(j) >= 0x20 && s.charAt(j) <= 0x2f) {
                    j++;
                }
                return new Sequence(Math.min(n, j + 1), null);
            }
        }
        if (csi) {
            int paramsStart = i;
            while (i < n && s.charAt(i) >= 0x30 && s.charAt(i) <= 0x3f) {
                i++;
            }
            int paramsEnd = i;
            while (i < n && s.charAt(i) >= 0x20 && s.charAt(i) <= 0x2f) {
                i++;
            }
            if (i >= n) {
                return new Sequence(n, null);
            }
            char fin = s.charAt(i);
            boolean plainParams = paramsEnd == i && s.substring(paramsStart, paramsEnd).chars()
                    .allMatch(ch -> (ch >= '0' && ch <= '9') || ch == ';' || ch == ':');
            String sgr = fin == 'm' && plainParams ? s.substring(paramsStart, paramsEnd) : null;
            return new Sequence(i + 1, sgr);
        }
        // OSC / DCS / APC / PM / SOS: until BEL or ST (ESC \ or 0x9c).
        while (i < n) {
            char ch = s.charAt(i);
            if (ch == 0x07 || ch == 0x9c) {
                return new Sequence(i + 1, null);
            }
            if (ch == ESC && i + 1 < n && s.charAt(i + 1) == '\\') {
                return new Sequence(i + 2, null);
            }
            i++;
        }
        return new Sequence(n, null);
    }
}
