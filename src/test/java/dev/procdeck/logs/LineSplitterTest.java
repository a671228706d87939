package dev.procdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    private final List<String> lines = new ArrayList<>();
    private final List<byte[]> batches = new ArrayList<>();

    /** Checks the batch contract (whole lines, each ending in a newline, as many as announced) and decodes. */
    static List<String> decode(byte[] bytes, int count) {
        assertThat(bytes).isNotEmpty();
        assertThat(bytes[bytes.length - 1]).isEqualTo((byte) '\n');
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text.getBytes(StandardCharsets.UTF_8)).as("valid UTF-8").isEqualTo(bytes);
        List<String> out = List.of(text.substring(0, text.length() - 1).split("\n", -1));
        assertThat(out).hasSize(count);
        return out;
    }

    private LineSplitter.Sink collect() {
        return (b, count, plain) -> {
            batches.add(b);
            lines.addAll(decode(b, count));
        };
    }

    private void pump(int max, byte[] bytes) throws Exception {
        new LineSplitter(max, collect()).pump(new ByteArrayInputStream(bytes));
    }

    @Test
    void splitsOnNewlineDropsCrAndDeliversTheFinalLineWithoutNewline() throws Exception {
        pump(1024, "one\r\ntwo\n\nlast".getBytes(StandardCharsets.UTF_8));
        assertThat(lines).containsExactly("one", "two", "", "last");
    }

    @Test
    void bidiControlsFromAChildAreShownNotObeyed() throws Exception {
        pump(1024, "deploy to \u202edorp-ton\u202c staging\nisolate \u2066x\u2069 mark \u200f\u061c caf\u00e9\n"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(lines).containsExactly("deploy to \\u202edorp-ton\\u202c staging",
                "isolate \\u2066x\\u2069 mark \\u200f\\u061c caf\u00e9");
    }

    @Test
    void linesSpanningReadsAreJoined() {
        LineSplitter s = new LineSplitter(1024, collect());
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
        LineSplitter s = new LineSplitter(1024, (b, n, plain) -> flags.add(plain));
        byte[] plain = "GET / 200\tok\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] coloured = "\u001b[31mred\u001b[0m\n".getBytes(StandardCharsets.UTF_8);
        byte[] accent = "caf\u00e9\n".getBytes(StandardCharsets.UTF_8);
        s.feed(plain, 0, plain.length);
        s.feed(coloured, 0, coloured.length);
        s.feed(accent, 0, accent.length);
        s.feed(plain, 0, plain.length);
        // "plain" now means: no ESC left after cleaning (CRLF and the accent are cleaned, but leave no ESC).
        assertThat(flags).containsExactly(true, false, true, true);
    }

    @Test
    void invalidUtf8IsReplacedNotFatal() throws Exception {
        pump(1024, new byte[] {'a', (byte) 0xff, (byte) 0xfe, 'b', '\n', 0, 1, 2, '\n'});
        // Cleaned once at split time: U+FFFD for bad bytes, controls removed.
        assertThat(lines).containsExactly("a\uFFFD\uFFFDb", "");
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
        LineSplitter s = new LineSplitter(10, collect());
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

    @Test
    void aBatchOfPlainLinesIsOneCopyOfTheReadWithItsNewlines() {
        LineSplitter s = new LineSplitter(1024, collect());
        byte[] read = "one\ttab\ntwo\nthr".getBytes(StandardCharsets.UTF_8);
        s.feed(read, 0, read.length);
        assertThat(batches).hasSize(1);
        assertThat(new String(batches.get(0), StandardCharsets.UTF_8)).isEqualTo("one\ttab\ntwo\n");
        byte[] rest = "ee\nfour\n".getBytes(StandardCharsets.UTF_8);
        s.feed(rest, 0, rest.length);
        assertThat(new String(batches.get(1), StandardCharsets.UTF_8)).isEqualTo("three\nfour\n");
        assertThat(lines).containsExactly("one\ttab", "two", "three", "four");
    }

    @Test
    void cleaningKeepsColoursAndDropsEveryOtherSequenceOnce() {
        List<Boolean> plain = new ArrayList<>();
        LineSplitter s = new LineSplitter(1024, (b, n, p) -> {
            plain.add(p);
            lines.addAll(decode(b, n));
        });
        byte[] read = "ok\n\u001b[1;31mred\u001b[0m \u001b]0;title\u0007\u001b[2Jdone\r\n\u009b2Jc1\n"
                .getBytes(StandardCharsets.UTF_8);
        s.feed(read, 0, read.length);
        assertThat(lines).containsExactly("ok", "\u001b[1;31mred\u001b[0m done", "c1");
        assertThat(plain).containsExactly(false);
    }

    @Test
    void theFinalLineWithoutNewlineGetsOneAndIsCleaned() {
        LineSplitter s = new LineSplitter(1024, collect());
        byte[] read = "end\u001b[Kless".getBytes(StandardCharsets.UTF_8);
        s.feed(read, 0, read.length);
        assertThat(batches).isEmpty();
        s.finish();
        assertThat(new String(batches.get(0), StandardCharsets.UTF_8)).isEqualTo("endless\n");
    }

    @Test
    void cutPiecesInsideOneReadKeepTheirOrderAroundShortLines() {
        LineSplitter s = new LineSplitter(10, collect());
        byte[] read = ("a\n" + "x".repeat(15) + "\nb\n" + "y".repeat(12)).getBytes(StandardCharsets.UTF_8);
        s.feed(read, 0, read.length);
        s.finish();
        assertThat(lines).containsExactly("a", "x".repeat(10) + LineSplitter.CONTINUED, "xxxxx", "b",
                "y".repeat(10) + LineSplitter.CONTINUED, "yy");
    }

    @Test
    void validUtf8WithoutControlsIsSafeAsIsButC1AndBrokenSequencesAreNot() {
        byte[] ok = "caf\u00e9 \u20ac \ud83d\ude00\t\u00a0".getBytes(StandardCharsets.UTF_8);
        assertThat(LineSplitter.isSafe(ok, 0, ok.length)).isTrue();
        byte[] c1 = "a\u009bb".getBytes(StandardCharsets.UTF_8);
        assertThat(LineSplitter.isSafe(c1, 0, c1.length)).isFalse();
        assertThat(LineSplitter.isSafe(new byte[] {'a', (byte) 0xe2, (byte) 0x82}, 0, 3)).isFalse();
        assertThat(LineSplitter.isSafe(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, 0, 3)).isFalse();
        assertThat(LineSplitter.isSafe(new byte[] {(byte) 0xc0, (byte) 0x80}, 0, 2)).isFalse();
        assertThat(LineSplitter.isSafe(new byte[] {'a', '\r'}, 0, 2)).isFalse();
    }
}
