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

    /** Feeds in chunks, checking the batch contract; returns the decoded lines. */
    private static List<String> split(byte[] bytes, int chunk, int max) {
        List<String> lines = new ArrayList<>();
        LineSplitter s = new LineSplitter(max, (b, count, plain) -> {
            List<String> batch = LineSplitterTest.decode(b, count);
            for (String l : batch) {
                // Cleaned once, at split time: nothing but SGR colour codes and TAB may reach a terminal.
                String withoutSgr = l.replaceAll("\u001b\\[[0-9;:]*m", "");
                assertThat(withoutSgr.chars().noneMatch(c -> c < 0x20 && c != '\t' || (c >= 0x7f && c <= 0x9f)))
                        .as("clean: %s", escape(l)).isTrue();
                if (plain) {
                    // The "plain" promise lets writers copy bytes without a search: it must never be wrong.
                    assertThat(l).doesNotContain("\u001b");
                }
            }
            lines.addAll(batch);
        });
        for (int i = 0; i < bytes.length; i += chunk) {
            s.feed(bytes, i, Math.min(chunk, bytes.length - i));
        }
        s.finish();
        return lines;
    }

    @Property(tries = 500)
    void splittingInAnyChunksGivesTheSameLines(@ForAll("output") String text, @ForAll @IntRange(min = 1, max = 17) int chunk,
                                               @ForAll @IntRange(min = 8, max = 40) int max) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<String> lines = split(bytes, chunk, max);
        assertThat(lines).as("chunk %d max %d input %s", chunk, max, escape(text))
                .isEqualTo(split(bytes, Math.max(1, bytes.length), max));
        lines.forEach(l -> assertThat(l.replace(LineSplitter.CONTINUED, "").getBytes(StandardCharsets.UTF_8).length)
                .as("max %d input %s line %s", max, escape(text), escape(l)).isLessThanOrEqualTo(max));
    }

    @Property(tries = 500)
    void shortLinesAreTheInputLinesCleanedOfAllButColour(@ForAll("output") String text,
                                                         @ForAll @IntRange(min = 1, max = 17) int chunk) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<String> lines = split(bytes, chunk, 4096);
        List<String> expected = new ArrayList<>();
        if (!text.isEmpty()) {
            String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            for (String l : body.split("\n", -1)) {
                expected.add(AnsiText.keepColours(l));
            }
        }
        assertThat(lines).as("input %s", escape(text)).isEqualTo(expected);
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
