package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogFilter;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.fxmisc.richtext.model.StyledSegment;
import org.junit.jupiter.api.Test;

class LineRendererTest {
    private final LineRenderer renderer = new LineRenderer(Map.of("web", 0), ZoneOffset.UTC);

    @Test
    void ansiBecomesStylesAndTheTextHasNoEscapes() {
        LogLine line = new LogLine(1, Instant.EPOCH, "web.1", LogStream.STDOUT, "\u001b[1;31mfail\u001b[0m ok");
        List<StyledSegment<String, String>> segs = renderer.render(line, false, LogFilter.ALL);
        assertThat(LineRenderer.plain(segs)).isEqualTo("web.1    │ fail ok");
        StyledSegment<String, String> fail = segs.stream().filter(s -> s.getSegment().equals("fail")).findFirst().orElseThrow();
        assertThat(fail.getStyle()).contains("-fx-fill: #cd3131").contains("-fx-font-weight: bold");
        assertThat(segs.get(0).getStyle()).contains(Palette.typeHex(0));
    }

    @Test
    void matchesAreHighlightedAndStderrIsMarked() {
        LogLine line = new LogLine(1, Instant.EPOCH, "web.1", LogStream.STDERR, "an error here");
        List<StyledSegment<String, String>> segs = renderer.render(line, true,
                LogFilter.ALL.withQuery("error", false, false));
        assertThat(LineRenderer.plain(segs)).isEqualTo("00:00:00.000 web.1    ┃ an error here");
        assertThat(segs).anySatisfy(s -> {
            assertThat(s.getSegment()).isEqualTo("error");
            assertThat(s.getStyle()).contains(LineRenderer.MATCH_STYLE);
        });
    }

    @Test
    void aVeryLongLineIsDrawnInPartAndSaysHowMuchMoreItHas() {
        LineRenderer renderer = new LineRenderer(java.util.Map.of("web", 0), java.time.ZoneOffset.UTC);
        String text = "\u001b[31m" + "r".repeat(3_000) + "\u001b[0m" + "p".repeat(57_000);
        LogLine line = new LogLine(1, java.time.Instant.EPOCH, "web.1", dev.procdeck.logs.LogStream.STDOUT, text);
        String drawn = LineRenderer.plain(renderer.render(line, false, LogFilter.ALL.withQuery("p", false, false)));
        assertThat(drawn).endsWith("p ⋯ 56,000 more characters (Copy or Save has the whole line)");
        assertThat(drawn.length()).isEqualTo("web.1   ".length() + 3 + LineRenderer.drawnLength(
                dev.procdeck.logs.AnsiText.stripColours(line)));
        assertThat(drawn).contains("r".repeat(3_000) + "p".repeat(1_000) + " ⋯");
    }
}
