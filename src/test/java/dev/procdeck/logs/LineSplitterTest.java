package dev.procdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    private final List<String> lines = new ArrayList<>();

    private void pump(int max, byte[] bytes) throws Exception {
        new LineSplitter(max, (l, clean) -> lines.addAll(l)).pump(new ByteArrayInputStream(bytes));
    }

    @Test
    void splitsOnNewlineDropsCrAndDeliversTheFinalLineWithoutNewline() throws Exception {
        pump(1024, "one\r\ntwo\n\nlast".getBytes(StandardCharsets.UTF_8));
        assertThat(lines).containsExactly("one", "two", "", "last");
    }

    @Test
    void linesSpanningReadsAreJoined() {
        LineSplitter s = new LineSplitter(1024, (l, clean) -> lines.addAll(l));
        byte[] a = "hel".getBytes(StandardCharsets.UTF_8);
        byte[] b = "lo\nwor".getBytes(StandardCharsets.UTF_8);
        s.feed(a, 0, a.length);
        s.feed(b, 0, b.length);
        assertThat(lines).containsExactly("hello");
        s.finish();
        assertThat(lines).containsExactly("hello", "wor");
    }

    @Test
    void printableBatchesAreMarkedCleanAndOthersNot() {
        List<Boolean> flags = new ArrayList<>();
        LineSplitter s = new LineSplitter(1024, (l, clean) -> flags.add(clean));
        byte[] plain = "GET / 200\tok\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] coloured = "\u001b[31mred\u001b[0m\n".getBytes(StandardCharsets.UTF_8);
        byte[] accent = "caf\u00e9\n".getBytes(StandardCharsets.UTF_8);
        s.feed(plain, 0, plain.length);
        s.feed(coloured, 0, coloured.length);
        s.feed(accent, 0, accent.length);
        s.feed(plain, 0, plain.length);
        assertThat(flags).containsExactly(true, false, false, true);
    }

    @Test
    void invalidUtf8IsReplacedNotFatal() throws Exception {
        pump(1024, new byte[] {'a', (byte) 0xff, (byte) 0xfe, 'b', '\n', 0, 1, 2, '\n'});
        assertThat(lines).containsExactly("a\uFFFD\uFFFDb", "\0\1\2");
    }

    @Test
    void overlongLinesAreCutWithAMarkerAndNothingIsLost() throws Exception {
        String big = "x".repeat(25) + "\n";
        pump(10, big.getBytes(StandardCharsets.UTF_8));
        assertThat(lines).containsExactly("xxxxxxxxxx" + LineSplitter.CONTINUED, "xxxxxxxxxx" + LineSplitter.CONTINUED,
                "xxxxx");
    }

    @Test
    void overlongLinesArrivingInPiecesAreCutToo() {
        LineSplitter s = new LineSplitter(10, (l, clean) -> lines.addAll(l));
        for (int i = 0; i < 5; i++) {
            s.feed("abcdefg".getBytes(StandardCharsets.UTF_8), 0, 7);
        }
        s.feed(new byte[] {'\n'}, 0, 1);
        assertThat(String.join("|", lines).replace(LineSplitter.CONTINUED, ""))
                .isEqualTo("abcdefgabc|defgabcdef|gabcdefgab|cdefg");
    }

    @Test
    void cutsNeverSplitAMultiByteCharacter() throws Exception {
        String euros = "€".repeat(10); // 3 bytes each
        pump(10, (euros + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain("\uFFFD"));
        assertThat(String.join("", lines).replace(LineSplitter.CONTINUED, "")).isEqualTo(euros);
    }

    @Test
    void aOneMegabyteLineIsDeliveredInBoundedPieces() throws Exception {
        byte[] big = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) 'y');
        big[big.length - 1] = '\n';
        pump(LineSplitter.DEFAULT_MAX_LINE_BYTES, big);
        assertThat(lines).hasSize(16);
        assertThat(lines.stream().mapToInt(l -> l.replace(LineSplitter.CONTINUED, "").length()).sum())
                .isEqualTo(1024 * 1024);
    }
}
