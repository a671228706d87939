package dev.procdeck.ui;

import dev.procdeck.logs.AnsiStyle;
import dev.procdeck.logs.AnsiText;
import dev.procdeck.logs.LogFilter;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fxmisc.richtext.model.StyledSegment;

/**
 * Turns a log line into styled segments for the console: time, instance prefix in its type's colour, a
 * marker for stderr, the text with its ANSI styles as inline CSS, and query matches highlighted. Used from the
 * FX thread (new lines) and from the console's filter worker (redraws) at once: its caches are concurrent.
 */
final class LineRenderer {
    static final String TIME_STYLE = "-fx-fill: #6c7086;";
    static final String SYSTEM_STYLE = "-fx-fill: #89b4fa; -fx-font-style: italic;";
    static final String STDERR_MARK_STYLE = "-fx-fill: #f38ba8; -fx-font-weight: bold;";
    static final String MATCH_STYLE = "-rtfx-background-color: #f9e2af; -fx-fill: #11111b;";
    /** The current search match: stronger than every other match. */
    static final String CURRENT_MATCH_STYLE = "-rtfx-background-color: #fab387; -fx-fill: #11111b; -fx-font-weight: bold;"
            + " -rtfx-border-stroke-color: #ffffff; -rtfx-border-stroke-width: 1;";
    static final String URL_STYLE = "-fx-underline: true;";
    /**
     * Subtle colours for lines that announce a level but bring no colours of their own (the dark palette stays).
     * Inline CSS rather than style classes: the console area styles text runs with inline CSS only.
     */
    static final java.util.Map<dev.procdeck.logs.LogLevel, String> LEVEL_STYLE = java.util.Map.of(
            dev.procdeck.logs.LogLevel.ERROR, "-fx-fill: #f4a4b4;",
            dev.procdeck.logs.LogLevel.WARN, "-fx-fill: #efd29a;",
            dev.procdeck.logs.LogLevel.DEBUG, "-fx-fill: #8a90a8;");
    private static final java.util.regex.Pattern URL = java.util.regex.Pattern.compile("https?://[^\\s\"'<>`]+");
    private static final String DEFAULT_FG = "#cdd6f4";
    /**
     * Characters of one line drawn at most (about twenty screen widths): JavaFX lays a text node out whole, and
     * visible 60 KB lines held the FX thread for seconds. The line itself stays whole for filter, Copy and Save.
     */
    static final int DRAWN_CHARS = 4_000;

    private final Map<String, Integer> typeIndex;
    private final ZoneId zone;
    private final Map<AnsiStyle, String> cssCache = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, String> prefixCache = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile int nameWidth = 8;

    LineRenderer(Map<String, Integer> typeIndex, ZoneId zone) {
        this.typeIndex = typeIndex;
        this.zone = zone;
    }

    List<StyledSegment<String, String>> render(LogLine line, boolean timestamps, LogFilter filter) {
        List<StyledSegment<String, String>> segs = new ArrayList<>(6);
        if (timestamps) {
            segs.add(new StyledSegment<>(ConsoleViewModel.TIME.format(line.time().atZone(zone)) + " ", TIME_STYLE));
        }
        String name = line.instance();
        if (name.length() > nameWidth) {
            nameWidth = Math.min(name.length(), 24);
        }
        String padded = name.length() >= nameWidth ? name : name + " ".repeat(nameWidth - name.length());
        segs.add(new StyledSegment<>(padded, prefixStyle(line.type())));
        if (line.stream() == LogStream.STDERR) {
            segs.add(new StyledSegment<>(" ┃ ", STDERR_MARK_STYLE));
        } else {
            segs.add(new StyledSegment<>(" │ ", TIME_STYLE));
        }
        if (line.stream() == LogStream.SYSTEM) {
            String plain = AnsiText.stripColours(line);
            addWithMatches(segs, plain.substring(0, Math.min(plain.length(), DRAWN_CHARS)), SYSTEM_STYLE, filter);
            addCutMarker(segs, plain.length());
            return segs;
        }
        String levelStyle = line.plain() ? LEVEL_STYLE.getOrDefault(dev.procdeck.logs.LogLevel.of(line.text()), "") : "";
        int drawn = 0;
        int total = 0;
        for (AnsiText.Run run : AnsiText.parse(line.text(), AnsiStyle.DEFAULT)) {
            total += run.text().length();
            if (drawn < DRAWN_CHARS) {
                String text = run.text().length() <= DRAWN_CHARS - drawn ? run.text()
                        : run.text().substring(0, DRAWN_CHARS - drawn);
                drawn += text.length();
                String style = css(run.style());
                addWithLinks(segs, text, style.isEmpty() ? levelStyle : style, filter);
            }
        }
        addCutMarker(segs, total);
        return segs;
    }

    /** After the first {@link #DRAWN_CHARS} characters of a longer line: how many more it has. */
    private static void addCutMarker(List<StyledSegment<String, String>> segs, int plainLength) {
        if (plainLength > DRAWN_CHARS) {
            segs.add(new StyledSegment<>(cutMarker(plainLength - DRAWN_CHARS), SYSTEM_STYLE));
        }
    }

    private static String cutMarker(int more) {
        return String.format(" ⋯ %,d more characters (Copy or Save has the whole line)", more);
    }

    /** The characters the text of a line takes in its paragraph: its first {@link #DRAWN_CHARS} and the marker. */
    static int drawnLength(String plain) {
        return plain.length() <= DRAWN_CHARS ? plain.length()
                : DRAWN_CHARS + cutMarker(plain.length() - DRAWN_CHARS).length();
    }

    /** The number of characters of a rendered line. */
    static int length(List<StyledSegment<String, String>> segs) {
        int n = 0;
        for (StyledSegment<String, String> s : segs) {
            n += s.getSegment().length();
        }
        return n;
    }

    /** Plain text of a rendered line (what the area holds), for tests and search. */
    static String plain(List<StyledSegment<String, String>> segs) {
        StringBuilder sb = new StringBuilder();
        segs.forEach(s -> sb.append(s.getSegment()));
        return sb.toString();
    }

    /** Start/end pairs of http(s) URLs in a plain text (trailing punctuation is not part of them). */
    static List<int[]> urlRanges(String text) {
        List<int[]> out = new ArrayList<>();
        if (text.indexOf("http") < 0) {
            return out;
        }
        java.util.regex.Matcher m = URL.matcher(text);
        while (m.find()) {
            int end = m.end();
            while (end > m.start() && ".,;:!?)]}".indexOf(text.charAt(end - 1)) >= 0) {
                end--;
            }
            out.add(new int[] {m.start(), end});
        }
        return out;
    }

    private void addWithLinks(List<StyledSegment<String, String>> segs, String text, String style, LogFilter filter) {
        List<int[]> urls = urlRanges(text);
        if (urls.isEmpty()) {
            addWithMatches(segs, text, style, filter);
            return;
        }
        int pos = 0;
        for (int[] u : urls) {
            addWithMatches(segs, text.substring(pos, u[0]), style, filter);
            addWithMatches(segs, text.substring(u[0], u[1]), style + URL_STYLE, filter);
            pos = u[1];
        }
        addWithMatches(segs, text.substring(pos), style, filter);
    }

    private void addWithMatches(List<StyledSegment<String, String>> segs, String text, String style, LogFilter filter) {
        if (text.isEmpty()) {
            return;
        }
        if (!filter.hasQuery()) {
            segs.add(new StyledSegment<>(text, style));
            return;
        }
        int pos = 0;
        for (int[] r : filter.matchRanges(text)) {
            if (r[0] > pos) {
                segs.add(new StyledSegment<>(text.substring(pos, r[0]), style));
            }
            segs.add(new StyledSegment<>(text.substring(r[0], r[1]), style + MATCH_STYLE));
            pos = r[1];
        }
        if (pos < text.length()) {
            segs.add(new StyledSegment<>(text.substring(pos), style));
        }
    }

    private String prefixStyle(String type) {
        return prefixCache.computeIfAbsent(type, t -> {
            Integer index = typeIndex.get(t);
            String colour = index == null ? "#a6adc8" : Palette.typeHex(index);
            return "-fx-fill: " + colour + "; -fx-font-weight: bold;";
        });
    }

    private String css(AnsiStyle s) {
        if (s.isDefault()) {
            return "";
        }
        return cssCache.computeIfAbsent(s, LineRenderer::toCss);
    }

    static String toCss(AnsiStyle s) {
        int fg = s.foreground();
        int bg = s.background();
        if (s.inverse()) {
            int t = fg;
            fg = bg < 0 ? 0x1e1e2e : bg;
            bg = t < 0 ? 0xcdd6f4 : t;
        }
        StringBuilder css = new StringBuilder();
        if (fg >= 0) {
            css.append("-fx-fill: ").append(Palette.hex(fg)).append(';');
        } else if (s.dim()) {
            css.append("-fx-fill: #7f849c;");
        }
        if (bg >= 0) {
            css.append("-rtfx-background-color: ").append(Palette.hex(bg)).append(';');
        }
        if (s.bold()) {
            css.append("-fx-font-weight: bold;");
        }
        if (s.italic()) {
            css.append("-fx-font-style: italic;");
        }
        if (s.underline()) {
            css.append("-fx-underline: true;");
        }
        if (s.strikethrough()) {
            css.append("-fx-strikethrough: true;");
        }
        return css.toString();
    }

    static String defaultForeground() {
        return DEFAULT_FG;
    }
}
