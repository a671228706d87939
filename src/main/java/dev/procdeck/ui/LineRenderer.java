package dev.procdeck.ui;

import dev.procdeck.logs.AnsiStyle;
import dev.procdeck.logs.AnsiText;
import dev.procdeck.logs.LogFilter;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fxmisc.richtext.model.StyledSegment;

/**
 * Turns a log line into styled segments for the console: time, instance prefix in its type's colour, a
 * marker for stderr, the text with its ANSI styles as inline CSS, and query matches highlighted.
 */
final class LineRenderer {
    static final String TIME_STYLE = "-fx-fill: #6c7086;";
    static final String SYSTEM_STYLE = "-fx-fill: #89b4fa; -fx-font-style: italic;";
    static final String STDERR_MARK_STYLE = "-fx-fill: #f38ba8; -fx-font-weight: bold;";
    static final String MATCH_STYLE = "-rtfx-background-color: #f9e2af; -fx-fill: #11111b;";
    private static final String DEFAULT_FG = "#cdd6f4";

    private final Map<String, Integer> typeIndex;
    private final ZoneId zone;
    private final Map<AnsiStyle, String> cssCache = new HashMap<>();
    private final Map<String, String> prefixCache = new HashMap<>();
    private int nameWidth = 8;

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
            addWithMatches(segs, AnsiText.stripColours(line), SYSTEM_STYLE, filter);
            return segs;
        }
        for (AnsiText.Run run : AnsiText.parse(line.text(), AnsiStyle.DEFAULT)) {
            addWithMatches(segs, run.text(), css(run.style()), filter);
        }
        return segs;
    }

    /** Plain text of a rendered line (what the area holds), for tests and search. */
    static String plain(List<StyledSegment<String, String>> segs) {
        StringBuilder sb = new StringBuilder();
        segs.forEach(s -> sb.append(s.getSegment()));
        return sb.toString();
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
