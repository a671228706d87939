package dev.procdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnsiTextTest {
    private static final String ESC = "\u001b";

    @Test
    void keepsColoursButRemovesEverythingThatCouldHijackATerminal() {
        String hostile = ESC + "[2J" + ESC + "[H" + ESC + "]0;pwned title" + "\u0007" + ESC + "[31mred" + ESC + "[0m"
                + ESC + "]52;c;ZXZpbA==" + "\u0007" + "\r" + ESC + "c" + ESC + "[?1049h" + "\u009b2J" + " ok\u0008";
        assertThat(AnsiText.keepColours(hostile)).isEqualTo(ESC + "[31mred" + ESC + "[0m ok");
        assertThat(AnsiText.strip(hostile)).isEqualTo("red ok");
    }

    @Test
    void plainTextIsReturnedAsIs() {
        String plain = "GET /index.html 200\tfine €";
        assertThat(AnsiText.isPlain(plain)).isTrue();
        assertThat(AnsiText.keepColours(plain)).isSameAs(plain);
    }

    @Test
    void unterminatedSequencesAreDropped() {
        assertThat(AnsiText.strip("a" + ESC + "]0;title without end")).isEqualTo("a");
        assertThat(AnsiText.strip("a" + ESC + "[31")).isEqualTo("a");
        assertThat(AnsiText.strip("a" + ESC)).isEqualTo("a");
    }

    @Test
    void parsesSgrIntoStyledRuns() {
        List<AnsiText.Run> runs = AnsiText.parse("plain " + ESC + "[1;32mgreen bold" + ESC + "[22m not bold"
                + ESC + "[0m end", AnsiStyle.DEFAULT);
        assertThat(runs).extracting(AnsiText.Run::text).containsExactly("plain ", "green bold", " not bold", " end");
        assertThat(runs.get(1).style().bold()).isTrue();
        assertThat(runs.get(1).style().foreground()).isEqualTo(0x0dbc79);
        assertThat(runs.get(2).style().bold()).isFalse();
        assertThat(runs.get(2).style().foreground()).isEqualTo(0x0dbc79);
        assertThat(runs.get(3).style().isDefault()).isTrue();
    }

    @Test
    void understands256AndTrueColourAndUnderline() {
        AnsiStyle s = AnsiStyle.DEFAULT.apply("38;5;196;48;2;1;2;3;4");
        assertThat(s.foreground()).isEqualTo(0xff0000);
        assertThat(s.background()).isEqualTo(0x010203);
        assertThat(s.underline()).isTrue();
        assertThat(AnsiStyle.DEFAULT.apply("38;5").foreground()).isEqualTo(-1);
    }
}
