package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.Test;

class WindowGeometryTest {
    private static final Rectangle2D FULL_HD = new Rectangle2D(0, 0, 1920, 1040); // a 1080p screen less a panel
    private static final Rectangle2D RIGHT = new Rectangle2D(1920, 0, 1280, 1024);
    private static final Rectangle2D SMALL = new Rectangle2D(0, 0, 1024, 700);

    @Test
    void aFirstWindowIsComfortableAndCentredWhereTheScreenAllows() {
        WindowGeometry g = WindowGeometry.initial(FULL_HD);
        assertThat(g.width()).isGreaterThanOrEqualTo(1280);
        assertThat(g.height()).isGreaterThanOrEqualTo(800);
        assertThat(g.x() + g.width() / 2).isCloseTo(960, org.assertj.core.data.Offset.offset(1.0));
        assertThat(g.y()).isGreaterThanOrEqualTo(0);
        assertThat(g.y() + g.height()).isLessThanOrEqualTo(1040);
    }

    @Test
    void onASmallScreenItTakesNinetyPerCent() {
        WindowGeometry g = WindowGeometry.initial(SMALL);
        assertThat(g.width()).isEqualTo(Math.floor(1024 * 0.9));
        assertThat(g.height()).isEqualTo(Math.floor(700 * 0.9));
        assertThat(g.x()).isGreaterThan(0);
    }

    @Test
    void aPositionOnAMonitorThatIsGoneMovesToThePrimaryScreen() {
        WindowGeometry onRight = new WindowGeometry(2100, 100, 1200, 800, false);
        WindowGeometry clamped = onRight.clampTo(List.of(FULL_HD), FULL_HD);
        assertThat(clamped.width()).isEqualTo(1200);
        assertThat(clamped.x()).isBetween(0.0, 1920.0 - 1200);
        assertThat(clamped.y()).isBetween(0.0, 1040.0 - 800);
    }

    @Test
    void aWindowHalfOffItsScreenIsMovedFullyOntoIt() {
        WindowGeometry half = new WindowGeometry(1500, 600, 1000, 700, false);
        WindowGeometry clamped = half.clampTo(List.of(FULL_HD), FULL_HD);
        assertThat(clamped).isEqualTo(new WindowGeometry(920, 340, 1000, 700, false));
        WindowGeometry above = new WindowGeometry(100, -300, 1000, 700, true);
        assertThat(above.clampTo(List.of(FULL_HD), FULL_HD)).isEqualTo(new WindowGeometry(100, 0, 1000, 700, true));
    }

    @Test
    void itStaysOnTheScreenItMostlyCoversAndShrinksToFitIt() {
        WindowGeometry mostlyRight = new WindowGeometry(1800, 50, 1600, 1200, false);
        WindowGeometry clamped = mostlyRight.clampTo(List.of(FULL_HD, RIGHT), FULL_HD);
        assertThat(clamped).isEqualTo(new WindowGeometry(1920, 0, 1280, 1024, false));
    }

    @Test
    void aVisiblePositionIsKept() {
        WindowGeometry fine = new WindowGeometry(200, 120, 1280, 800, false);
        assertThat(fine.clampTo(List.of(FULL_HD, RIGHT), FULL_HD)).isEqualTo(fine);
    }

    @Test
    void savedTextRoundTripsAndGarbageIsIgnored() {
        WindowGeometry g = new WindowGeometry(-10, 20, 1300, 810, true);
        assertThat(WindowGeometry.parse(g.encode())).contains(g);
        assertThat(WindowGeometry.parse("1,2,3")).isEmpty();
        assertThat(WindowGeometry.parse("a,b,c,d,true")).isEmpty();
        assertThat(WindowGeometry.parse("0,0,-5,100,false")).isEmpty();
        assertThat(WindowGeometry.parse("NaN,0,500,100,false")).isEmpty();
        assertThat(WindowGeometry.parse(null)).isEmpty();
    }
}
