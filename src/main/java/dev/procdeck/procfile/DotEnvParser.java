package dev.procdeck.procfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Parses a .env file from a String, following the dotenv conventions people actually write:
 * {@code KEY=value}, {@code export KEY=value}, comments, single quotes (literal), double quotes (escapes,
 * multi-line) and {@code $VAR}/{@code ${VAR}}/{@code ${VAR:-default}} expansion in unquoted and
 * double-quoted values. Every malformed line is an error with its line number: nothing is silently dropped.
 */
public final class DotEnvParser {
    /**
     * Largest value expansion may build. Linux refuses any single environment string above 128 KiB at exec,
     * and no sane value comes near; without a bound, 20 lines of {@code B=${A}${A}} double their way to
     * gigabytes from a file of a few hundred bytes.
     */
    static final int MAX_EXPANDED_VALUE = 64 * 1024;
    /** Largest total that expansion may add over a whole file (literal text is bounded by the file size). */
    static final int MAX_EXPANDED_TOTAL = 1024 * 1024;

    private final String source;
    private final String text;
    private final Function<String, String> outerLookup;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<ParseProblem> errors = new ArrayList<>();
    private int pos;
    private int line = 1;
    /** Characters produced by $VAR substitution so far in this file, for {@link #MAX_EXPANDED_TOTAL}. */
    private long expandedTotal;

    private DotEnvParser(String source, String text, Function<String, String> outerLookup) {
        this.source = source;
        this.text = TextLines.stripBom(text).replace("\r\n", "\n").replace('\r', '\n');
        this.outerLookup = outerLookup;
    }

    /**
     * @param outerLookup resolves variables not defined earlier in this file (earlier .env files, then the
     *                    parent environment); returns null when unknown
     */
    public static Map<String, String> parse(String source, String text, Function<String, String> outerLookup)
            throws ProjectFileException {
        DotEnvParser parser = new DotEnvParser(source, text, outerLookup);
        parser.parseAll();
        if (!parser.errors.isEmpty()) {
            throw new ProjectFileException(parser.errors);
        }
        return parser.values;
    }

    private void parseAll() {
        while (pos < text.length()) {
            int startLine = line;
            try {
                parseLine();
            } catch (LineError e) {
                errors.add(ParseProblem.error(source, startLine, e.getMessage()));
                skipToNextLine();
            }
        }
    }

    private void parseLine() {
        skipBlanks();
        if (atLineEnd()) {
            consumeNewline();
            return;
        }
        if (peek() == '#') {
            skipToNextLine();
            return;
        }
        if (text.startsWith("export", pos) && pos + 6 < text.length()
                && (text.charAt(pos + 6) == ' ' || text.charAt(pos + 6) == '\t')) {
            pos += 6;
            skipBlanks();
        }
        int keyStart = pos;
        while (pos < text.length() && isKeyChar(text.charAt(pos))) {
            pos++;
        }
        String key = text.substring(keyStart, pos);
        skipBlanks();
        if (atLineEnd() || peek() != '=') {
            String rest = restOfLine(keyStart);
            if (key.isEmpty()) {
                throw new LineError("expected KEY=value but found '" + abbreviate(rest) + "'");
            }
            if (atLineEnd()) {
                throw new LineError("'" + key + "' has no '='; write " + key + "=value (or " + key + "= for empty)");
            }
            throw new LineError("invalid variable name in '" + abbreviate(rest)
                    + "'; names use letters, digits and '_' and do not start with a digit");
        }
        if (key.isEmpty()) {
            throw new LineError("missing variable name before '='; write NAME=value");
        }
        if (Character.isDigit(key.charAt(0))) {
            throw new LineError("invalid variable name '" + key + "': it must not start with a digit");
        }
        pos++; // '='
        skipBlanks();
        String value;
        if (!atLineEnd() && peek() == '\'') {
            value = singleQuoted();
            expectLineEndAfterQuote(key);
        } else if (!atLineEnd() && peek() == '"') {
            value = doubleQuoted();
            expectLineEndAfterQuote(key);
        } else {
            value = unquoted();
        }
        values.put(key, value);
        consumeNewline();
    }

    private String singleQuoted() {
        int openLine = line;
        pos++;
        int start = pos;
        int end = text.indexOf('\'', pos);
        if (end < 0) {
            line = openLine;
            throw new LineError("unterminated single-quoted value; add the closing '");
        }
        String value = text.substring(start, end);
        line += countNewlines(value);
        pos = end + 1;
        return value;
    }

    private String doubleQuoted() {
        int openLine = line;
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                line = openLine;
                throw new LineError("unterminated double-quoted value; add the closing \"");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return out.toString();
            }
            if (c == '\\' && pos + 1 < text.length()) {
                char next = text.charAt(pos + 1);
                pos += 2;
                switch (next) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case '"' -> out.append('"');
                    case '\\' -> out.append('\\');
                    case '$' -> out.append('$');
                    case '\n' -> line++; // line continuation
                    default -> out.append('\\').append(next);
                }
                continue;
            }
            if (c == '$') {
                pos = expand(pos, out);
                continue;
            }
            if (c == '\n') {
                line++;
            }
            out.append(c);
            pos++;
        }
    }

    private String unquoted() {
        StringBuilder out = new StringBuilder();
        while (!atLineEnd()) {
            char c = text.charAt(pos);
            if (c == '#' && (out.length() == 0 || Character.isWhitespace(out.charAt(out.length() - 1)))) {
                break; // inline comment
            }
            if (c == '$') {
                pos = expand(pos, out);
                continue;
            }
            out.append(c);
            pos++;
        }
        skipToLineEnd();
        return out.toString().strip();
    }

    /** Expands $VAR, ${VAR} or ${VAR:-default} starting at {@code at}; returns the position after it. */
    private int expand(int at, StringBuilder out) {
        int p = at + 1;
        if (p < text.length() && text.charAt(p) == '{') {
            int close = text.indexOf('}', p);
            int newline = text.indexOf('\n', p);
            if (close < 0 || (newline >= 0 && newline < close)) {
                throw new LineError("unterminated '${' in value; add the closing '}'");
            }
            String inner = text.substring(p + 1, close);
            String name = inner;
            String fallback = null;
            int dash = inner.indexOf(":-");
            if (dash >= 0) {
                name = inner.substring(0, dash);
                fallback = inner.substring(dash + 2);
            }
            if (name.isEmpty() || !name.chars().allMatch(ch -> isKeyChar((char) ch))) {
                throw new LineError("invalid variable reference '${" + inner + "}'");
            }
            String value = lookup(name);
            append(out, value == null || (fallback != null && value.isEmpty()) ? (fallback == null ? "" : fallback) : value);
            return close + 1;
        }
        int nameStart = p;
        while (p < text.length() && isNameChar(text.charAt(p), p == nameStart)) {
            p++;
        }
        if (p == nameStart) {
            out.append('$');
            return p;
        }
        String value = lookup(text.substring(nameStart, p));
        append(out, value == null ? "" : value);
        return p;
    }

    /** Appends a substitution, checking both bounds before the text is copied, so nothing huge is ever built. */
    private void append(StringBuilder out, String substituted) {
        if ((long) out.length() + substituted.length() > MAX_EXPANDED_VALUE) {
            throw new LineError("value expands to more than " + MAX_EXPANDED_VALUE + " characters (64 KiB);"
                    + " check for variables that refer to each other repeatedly");
        }
        if (expandedTotal + substituted.length() > MAX_EXPANDED_TOTAL) {
            throw new LineError("variable expansion in this file exceeds " + MAX_EXPANDED_TOTAL
                    + " characters (1 MiB) in total; check for variables that refer to each other repeatedly");
        }
        expandedTotal += substituted.length();
        out.append(substituted);
    }

    private String lookup(String name) {
        String own = values.get(name);
        return own != null ? own : outerLookup.apply(name);
    }

    private void expectLineEndAfterQuote(String key) {
        skipBlanks();
        if (atLineEnd()) {
            return;
        }
        if (peek() == '#') {
            skipToLineEnd();
            return;
        }
        throw new LineError("unexpected text after the closing quote of " + key
                + "; quote the whole value or add ' #' before a comment");
    }

    private static boolean isKeyChar(char c) {
        return c == '_' || c == '.' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isNameChar(char c, boolean first) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9');
    }

    private char peek() {
        return text.charAt(pos);
    }

    private boolean atLineEnd() {
        return pos >= text.length() || text.charAt(pos) == '\n';
    }

    private void skipBlanks() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private void skipToLineEnd() {
        while (!atLineEnd()) {
            pos++;
        }
    }

    private void consumeNewline() {
        if (pos < text.length() && text.charAt(pos) == '\n') {
            pos++;
            line++;
        }
    }

    private void skipToNextLine() {
        skipToLineEnd();
        consumeNewline();
    }

    private String restOfLine(int from) {
        int end = text.indexOf('\n', from);
        return text.substring(from, end < 0 ? text.length() : end);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private static int countNewlines(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static final class LineError extends RuntimeException {
        LineError(String message) {
            super(message, null, false, false);
        }
    }
}
