package dev.procdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The assembler's own rules, beyond the two formats that {@code LineFormatsTest} pins. */
class LineAssemblerTest {
    private static final Instant T = Instant.parse("2026-01-01T10:11:12Z");

    /** Records every write and every segment change. */
    private static final class Recorder implements LineAssembler.Output {
        final List<List<String>> segments = new ArrayList<>(List.of(new ArrayList<>()));

        @Override
        public void write(byte[] bytes, int offset, int length) {
            segments.get(segments.size() - 1).add(new String(bytes, offset, length, StandardCharsets.UTF_8));
        }

        @Override
        public void nextSegment() {
            segments.add(new ArrayList<>());
        }
    }

    private static LogBatch lines(String instance, String... texts) {
        return LogBatch.of(instance, LogStream.STDOUT, T, 1, List.of(texts));
    }

    @Test
    void everyWriteEndsOnALineAndAHugeLineGetsASegmentOfItsOwn() throws Exception {
        Recorder out = new Recorder();
        LineAssembler lines = new LineAssembler(null, b -> b.instance() + " | ", LineAssembler.Colours.STRIP, 1000, out);
        String huge = "h".repeat(2 * LineAssembler.WRITE_AT); // larger than the usual buffer, and than a segment
        lines.append(lines("a", "x".repeat(500), "y".repeat(400)));
        lines.append(lines("a", huge, "after"));
        lines.drain();
        assertThat(out.segments).hasSize(3);
        assertThat(String.join("", out.segments.get(0))).isEqualTo("a | " + "x".repeat(500) + "\na | " + "y".repeat(400) + "\n");
        assertThat(out.segments.get(1)).containsExactly("a | " + huge + "\n");
        assertThat(out.segments.get(2)).containsExactly("a | after\n");
        for (List<String> segment : out.segments) {
            assertThat(segment).allMatch(w -> w.endsWith("\n"));
        }
    }

    @Test
    void forgottenSourcesAreRenderedAfreshAndKnownOnesAreNot() throws Exception {
        Recorder out = new Recorder();
        int[] rendered = {0};
        String[] separator = {" | "};
        LineAssembler lines = new LineAssembler(null, b -> {
            rendered[0]++;
            return b.instance() + separator[0];
        }, LineAssembler.Colours.KEEP, out);
        lines.append(lines("a", "1"));
        lines.append(lines("b", "2"));
        lines.append(lines("a", "3"));
        assertThat(rendered[0]).isEqualTo(2);
        separator[0] = " : ";
        lines.forgetSources();
        lines.append(lines("a", "4"));
        lines.drain();
        assertThat(rendered[0]).isEqualTo(3);
        assertThat(String.join("", out.segments.get(0))).isEqualTo("a | 1\nb | 2\na | 3\na : 4\n");
    }
}
