package dev.procdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Whatever a child writes, in whatever chunks it arrives: nothing is lost, nothing escapes. */
class OutputPropertiesTest {

    @Provide
    Arbitrary<String> output() {
        // Whole code points (a char-based generator would make lone surrogates, which no child can print).
        return Arbitraries.of("a", "b", "€", "😀", "\n", "\r", " ", "\u001b", "[", "]", "0", ";", "m", "7", "\u0007",
                "\u009b").list().ofMaxSize(300).map(l -> String.join("", l));
    }

    @Property(tries = 500)
    void splittingInAnyChunksGivesTheSameLines(@ForAll("output") String text, @ForAll @IntRange(min = 1, max = 17) int chunk,
                                               @ForAll @IntRange(min = 8, max = 40) int max) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        LineSplitter s = new LineSplitter(max, (l, clean) -> {
            if (clean) {
                // The splitter's "clean" promise lets the pump skip sanitising: it must never be wrong.
                l.forEach(x -> assertThat(AnsiText.strip(x)).isEqualTo(x));
            }
            lines.addAll(l);
        });
        for (int i = 0; i < bytes.length; i += chunk) {
            s.feed(bytes, i, Math.min(chunk, bytes.length - i));
        }
        s.finish();
        StringBuilder joined = new StringBuilder();
        for (String l : lines) {
            if (l.endsWith(LineSplitter.CONTINUED)) {
                joined.append(l, 0, l.length() - LineSplitter.CONTINUED.length());
            } else {
                joined.append(l).append('\n');
            }
        }
        String expected = text.replace("\r\n", "\n");
        if (!expected.isEmpty() && !expected.endsWith("\n")) {
            expected += "\n";
        }
        // A CR right before a cut is not a line end; every other byte must survive intact.
        assertThat(escape(joined.toString().replace("\r", ""))).as("chunk %d max %d input %s", chunk, max, escape(text))
                .isEqualTo(escape(expected.replace("\r", "")));
        lines.forEach(l -> assertThat(l.replace(LineSplitter.CONTINUED, "").getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(max));
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> sb.append(c < 0x20 || (c >= 0x7f && c <= 0x9f) ? String.format("\\x%02x", c)
                : new String(Character.toChars(c))));
        return sb.toString();
    }

    @Property(tries = 1000)
    void onlyColourSequencesSurviveAndStripLeavesNoControls(@ForAll("output") String text) {
        String kept = AnsiText.keepColours(text);
        String withoutSgr = kept.replaceAll("\u001b\\[[0-9;:]*m", "");
        assertThat(withoutSgr.chars().noneMatch(c -> c < 0x20 && c != '\t' || (c >= 0x7f && c <= 0x9f))).isTrue();
        String plain = AnsiText.strip(text);
        assertThat(plain.chars().noneMatch(c -> c < 0x20 && c != '\t' || (c >= 0x7f && c <= 0x9f))).isTrue();
        assertThat(AnsiText.parse(text, AnsiStyle.DEFAULT).stream().map(AnsiText.Run::text).reduce("", String::concat))
                .isEqualTo(plain);
    }
}
