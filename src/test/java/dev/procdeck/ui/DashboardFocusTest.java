package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Control;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Keyboard focus and selection can be seen: in both themes every focusable control of the toolbar and the
 * console's bar looks different when it has the focus, and a selected table row stands out from the others.
 */
class DashboardFocusTest extends DashboardFxFixture {
    /** Pixels that must change for a focus ring to count as visible (a two-pixel ring round a button has hundreds). */
    private static final int RING_PIXELS = 60;

    @Test
    void everyFocusableControlShowsItsFocusInBothThemes(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n");
        List<String> invisible = new ArrayList<>();
        for (boolean dark : new boolean[] {false, true}) {
            robot.interact(() -> Theme.apply(dark, view));
            WaitForAsyncUtils.waitForFxEvents();
            List<Control> controls = onFx(() -> {
                List<Control> found = new ArrayList<>();
                for (Node bar : List.of(view.lookup("#toolbar"), view.lookup(".console-bar"))) {
                    for (Node n : bar.lookupAll("*")) {
                        if (n instanceof Control c && c.isFocusTraversable() && showing(c) && !c.isDisabled()
                                && !(n.getParent() instanceof Control)) { // a control's own parts follow its focus
                            found.add(c);
                        }
                    }
                }
                return found;
            });
            assertThat(controls).as("focusable controls").hasSizeGreaterThan(8);
            for (Control c : controls) {
                robot.interact(() -> view.table().requestFocus());
                WritableImage before = onFx(() -> c.snapshot(null, null));
                robot.interact(c::requestFocus);
                WaitForAsyncUtils.waitForFxEvents();
                WritableImage after = onFx(() -> c.snapshot(null, null));
                int changed = changedPixels(before, after);
                if (!onFx(c::isFocused) || changed < RING_PIXELS) {
                    invisible.add((dark ? "dark: " : "light: ") + describe(c) + " (" + changed + " pixels change"
                            + (onFx(c::isFocused) ? "" : ", not focused: " + onFx(() -> c.getScene().getFocusOwner())) + ")");
                }
            }
        }
        assertThat(invisible).as("controls whose focus cannot be seen").isEmpty();
    }

    @Test
    void aSelectedRowStandsOutInBothThemes(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\nworker: exec sleep 1000\n");
        for (boolean dark : new boolean[] {false, true}) {
            robot.interact(() -> Theme.apply(dark, view));
            robot.interact(() -> {
                view.table().getSelectionModel().select(1); // web.1
                view.table().requestFocus();
            });
            WaitForAsyncUtils.waitForFxEvents();
            Color selected = onFx(() -> background(rowAt(1)));
            Color other = onFx(() -> background(rowAt(3))); // worker.1
            double distance = Math.abs(selected.getRed() - other.getRed()) + Math.abs(selected.getGreen() - other.getGreen())
                    + Math.abs(selected.getBlue() - other.getBlue());
            assertThat(distance).as("%s: selected %s against %s", dark ? "dark" : "light", selected, other)
                    .isGreaterThan(0.35);
        }
    }

    private Node rowAt(int index) {
        return view.table().lookupAll(".tree-table-row-cell").stream()
                .filter(n -> n instanceof javafx.scene.control.TreeTableRow<?> r && r.getIndex() == index && r.isVisible())
                .findFirst().orElseThrow();
    }

    /** The colour most of the row is painted in. */
    private static Color background(Node row) {
        WritableImage image = row.snapshot(null, null);
        PixelReader r = image.getPixelReader();
        java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                counts.merge(r.getArgb(x, y), 1, Integer::sum);
            }
        }
        int argb = counts.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey();
        return Color.rgb((argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff);
    }

    private static int changedPixels(WritableImage a, WritableImage b) {
        int w = (int) Math.min(a.getWidth(), b.getWidth());
        int h = (int) Math.min(a.getHeight(), b.getHeight());
        int changed = (int) (Math.abs(a.getWidth() * a.getHeight() - b.getWidth() * b.getHeight()));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = a.getPixelReader().getArgb(x, y);
                int q = b.getPixelReader().getArgb(x, y);
                int d = Math.abs(((p >> 16) & 0xff) - ((q >> 16) & 0xff)) + Math.abs(((p >> 8) & 0xff) - ((q >> 8) & 0xff))
                        + Math.abs((p & 0xff) - (q & 0xff));
                if (d > 60) {
                    changed++;
                }
            }
        }
        return changed;
    }

    private static String describe(Control c) {
        String text = c instanceof javafx.scene.control.Labeled l && l.getText() != null ? " \"" + l.getText() + "\"" : "";
        return c.getClass().getSimpleName() + (c.getId() == null ? "" : " #" + c.getId()) + text;
    }

    private static boolean showing(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return true;
    }
}
