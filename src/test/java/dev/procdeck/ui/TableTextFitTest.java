package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.TreeTableCell;
import javafx.scene.text.Text;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The table and toolbar read in full at laptop widths: with the demo project running (plus a type with a long
 * command, one that crashes and backs off, one whose instances wait, one left "restart to apply"), every visible
 * cell and label at 1280×800 and 1024×700 shows its whole text (what the skin draws is what the control holds,
 * no ellipsis) and stays inside its cell and the window; nothing is cut off at the window's minimum size.
 */
class TableTextFitTest extends DashboardFxFixture {
    private static final String EXTRA_TYPES = """
            api: exec sleep 1000 # gunicorn --workers 4 --bind 0.0.0.0:$PORT --access-logfile - myproject.wsgi:application
            crashy: echo "crashy: giving up"; exit 3
            gate: exec sleep 1000
            """;
    private static final String EXTRA_YML = """
              gate:
                ready:
                  http: /never
                  timeout: 10m
            """;

    @Test
    void everyTextInTheTableAndToolbarIsWholeAt1280x800And1024x700(FxRobot robot) throws Exception {
        runTheDemo(robot);
        java.util.Set<String> cut = new java.util.LinkedHashSet<>();
        for (double[] size : new double[][] {{1280, 800}, {1024, 700}}) {
            resize(robot, size[0], size[1]);
            // Every row, a few at a time, as a user scrolling the table sees it.
            int rows = onFx(() -> view.table().getExpandedItemCount());
            for (int first = 0; first < rows; first += 3) {
                int at = first;
                robot.interact(() -> view.table().scrollTo(at));
                WaitForAsyncUtils.waitForFxEvents();
                robot.interact(() -> view.getScene().getRoot().layout());
                List<String> seen = onFx(() -> cutTexts((int) size[0] + "x" + (int) size[1]));
                // A state that changed in the very last pulse gets its width in the next one: what stays cut counts.
                WaitForAsyncUtils.waitForFxEvents();
                robot.interact(() -> view.getScene().getRoot().layout());
                List<String> still = onFx(() -> cutTexts((int) size[0] + "x" + (int) size[1]));
                seen.retainAll(still);
                cut.addAll(seen);
            }
        }
        assertThat(cut).as("texts cut at laptop widths").isEmpty();
        // At 1024 px the table fits the window: nothing to scroll sideways to.
        Node hbar = onFx(() -> view.table().lookupAll(".scroll-bar").stream()
                .filter(n -> n instanceof ScrollBar s && s.getOrientation() == javafx.geometry.Orientation.HORIZONTAL)
                .findFirst().orElseThrow());
        assertThat(onFx(() -> showing(hbar))).as("a horizontal scroll bar at 1024 px: %s", onFx(() ->
                view.table().getWidth() + " wide, columns " + view.table().getColumns().stream()
                        .map(c -> c.getText() + "=" + Math.round(c.getWidth())).toList())).isFalse();
    }

    @Test
    void atTheWindowsMinimumSizeNoControlIsCutOff(FxRobot robot) throws Exception {
        runTheDemo(robot);
        resize(robot, WindowGeometry.MIN_WIDTH, WindowGeometry.MIN_HEIGHT);
        List<String> cut = onFx(() -> outsideTheWindow("minimum"));
        assertThat(cut).as("controls outside the window at its minimum size").isEmpty();
    }

    /** The demo (its files beside this test's .env), running, with the extra states the walk must see. */
    private void runTheDemo(FxRobot robot) throws Exception {
        Path demo = Path.of("examples", "demo");
        try (Stream<Path> files = Files.list(demo)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.equals(".env")) { // after the probe's line, which marks every child for the clean-up check
                    Files.writeString(dir.resolve(name), Files.readString(f), java.nio.file.StandardOpenOption.APPEND);
                } else if (!name.equals("Procfile") && !name.equals("procdeck.yml")) {
                    Files.copy(f, dir.resolve(name));
                }
            }
        }
        // A base port of its own, in case another program (another procdeck's demo) holds the demo's 5000; four
        // digits like the demo's, so the Port column is as wide as a user's (the 1024 px fit is to the pixel).
        int base = 6000 + new java.util.Random().nextInt(20) * 100;
        Files.writeString(dir.resolve(".env"), "\nPORT=" + base + "\n", java.nio.file.StandardOpenOption.APPEND);
        String procfile = Files.readString(demo.resolve("Procfile")) + EXTRA_TYPES;
        String yml = Files.readString(demo.resolve("procdeck.yml"))
                .replace("formation: {web: 2, worker: 1, clock: 1, flaky: 1}",
                        "formation: {web: 2, worker: 1, clock: 1, flaky: 1, api: 2, crashy: 1, gate: 2}")
                + EXTRA_YML;
        Files.writeString(dir.resolve("Procfile"), procfile);
        Files.writeString(dir.resolve("procdeck.yml"), yml);
        model.openProject(dir).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(model::startAll);
        Await.until(WAIT, () -> !instances("worker").isEmpty() && instances("worker").get(0).instanceState() == InstanceState.UP,
                "worker up");
        Await.until(WAIT, () -> !instances("crashy").isEmpty() && instances("crashy").get(0).snapshot().restarts() > 0,
                "crashy restarted");
        Await.until(WAIT, () -> instances("gate").size() == 2 && instances("gate").stream()
                .allMatch(i -> i.instanceState() == InstanceState.STARTING), "gate waiting");
        // A changed command, reloaded: the running worker is left "up · restart to apply".
        Files.writeString(dir.resolve("Procfile"), procfile.replace("worker: sh worker.sh", "worker: sh ./worker.sh"));
        robot.interact(model::reload);
        Await.until(WAIT, () -> instances("worker").get(0).stateProperty().get().contains("restart to apply"),
                () -> "worker to restart, got " + instances("worker").get(0).stateProperty().get());
        Await.until(WAIT, () -> instances("web").stream().allMatch(i -> !i.uptimeProperty().get().isEmpty()), "uptimes");
        Await.until(WAIT, () -> instances("worker").stream().allMatch(i -> !i.memoryProperty().get().isEmpty()), "usage");
        // Requests through the router in front of web: its row and its instances' show their rates.
        Await.until(WAIT, () -> instances("web").stream().allMatch(i -> i.instanceState() == InstanceState.UP), "web up");
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 40; i++) {
            http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + base + "/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
        }
        Await.until(WAIT, () -> onFx(() -> !type("web").requestsProperty().get().startsWith("0")
                        && instances("web").stream().noneMatch(i -> i.requestsProperty().get().isEmpty())),
                () -> "request rates, got " + onFx(() -> type("web").requestsProperty().get()));
    }

    private void resize(FxRobot robot, double width, double height) {
        robot.interact(() -> {
            Window w = view.getScene().getWindow();
            w.setWidth(width);
            w.setHeight(height);
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> view.getScene().getRoot().layout());
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Every visible Labeled in the table and toolbar whose drawn text is not its text, or which sticks out. */
    private List<String> cutTexts(String where) {
        List<String> cut = new ArrayList<>();
        Node table = view.table();
        Node toolbar = view.lookup("#toolbar");
        Bounds tableBounds = table.localToScene(table.getLayoutBounds());
        boolean hbar = table.lookupAll(".scroll-bar").stream()
                .anyMatch(n -> n instanceof ScrollBar s && s.getOrientation() == javafx.geometry.Orientation.HORIZONTAL
                        && showing(s));
        for (Node root : List.of(table, toolbar)) {
            for (Labeled l : labeleds(root)) {
                if (!showing(l) || l.getText() == null || l.getText().isEmpty()) {
                    continue;
                }
                Bounds b = l.localToScene(l.getLayoutBounds());
                if (root == table && (b.getMaxY() <= tableBounds.getMinY() || b.getMinY() >= tableBounds.getMaxY())) {
                    continue; // a row scrolled out of sight
                }
                String drawn = drawnText(l);
                if (drawn != null && !drawn.equals(l.getText())) {
                    cut.add(where + ": \"" + l.getText() + "\" drawn as \"" + drawn + "\" (" + describe(l) + ")");
                }
                TreeTableCell<?, ?> cell = cellOf(l);
                if (cell != null && cell != l) {
                    Bounds c = cell.localToScene(cell.getLayoutBounds());
                    if (b.getMaxX() > c.getMaxX() + 1 || b.getMinX() < c.getMinX() - 1) {
                        cut.add(where + ": \"" + l.getText() + "\" sticks out of its cell (" + describe(l) + ")");
                    }
                }
                double rightEdge = root == table ? Math.min(view.getScene().getWidth(), tableBounds.getMaxX())
                        : view.getScene().getWidth();
                if (!hbar && b.getMaxX() > rightEdge + 1) {
                    cut.add(where + ": \"" + l.getText() + "\" beyond the window's right edge (" + describe(l) + ")");
                }
            }
        }
        cut.addAll(outsideTheWindow(where));
        return cut;
    }

    /** Controls of the toolbar and the table's columns that lie (partly) outside the window, with no scroll bar. */
    private List<String> outsideTheWindow(String where) {
        List<String> cut = new ArrayList<>();
        double width = view.getScene().getWidth();
        // The toolbar's and the console bar's controls: all inside the window.
        for (Node bar : List.of(view.lookup("#toolbar"), view.lookup(".console-bar"))) {
            for (Node n : bar.lookupAll(".button, .toggle-button, .check-box, .menu-button, .text-field, .combo-box-base")) {
                Bounds b = n.localToScene(n.getLayoutBounds());
                if (showing(n) && b.getMaxX() > width + 1) {
                    cut.add(where + ": " + n.getClass().getSimpleName() + (n.getId() == null ? "" : " #" + n.getId())
                            + " ends at " + Math.round(b.getMaxX()) + " of " + width);
                }
            }
        }
        Node table = view.table();
        boolean hbar = table.lookupAll(".scroll-bar").stream()
                .anyMatch(n -> n instanceof ScrollBar s && s.getOrientation() == javafx.geometry.Orientation.HORIZONTAL
                        && showing(s));
        Bounds tb = table.localToScene(table.getLayoutBounds());
        for (Node n : table.lookupAll(".column-header")) {
            Bounds b = n.localToScene(n.getLayoutBounds());
            if (showing(n) && !hbar && b.getMaxX() > Math.min(width, tb.getMaxX()) + 1) {
                cut.add(where + ": column " + n.getId() + " ends at " + Math.round(b.getMaxX()) + " past "
                        + Math.round(Math.min(width, tb.getMaxX())) + " with no scroll bar");
            }
        }
        return cut;
    }

    private static String describe(Labeled l) {
        TreeTableCell<?, ?> cell = cellOf(l);
        String column = cell == null || cell.getTableColumn() == null ? "" : "column " + cell.getTableColumn().getText() + ", ";
        return column + l.getClass().getSimpleName() + (l.getId() == null ? "" : " #" + l.getId())
                + ", width " + Math.round(l.getWidth());
    }

    private static TreeTableCell<?, ?> cellOf(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (p instanceof TreeTableCell<?, ?> c) {
                return c;
            }
        }
        return null;
    }

    /** What the skin draws: the text of its Text node (JavaFX puts the ellipsis there, not in getText()). */
    private static String drawnText(Labeled l) {
        for (Node child : l.getChildrenUnmodifiable()) {
            // The skin's text node (a LabeledText), not an icon font's Text in the graphic.
            if (child instanceof Text t && child.isVisible() && t.getClass().getSimpleName().equals("LabeledText")) {
                return t.getText();
            }
        }
        return null;
    }

    private static boolean showing(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return n.getScene() != null;
    }

    private static List<Labeled> labeleds(Node root) {
        List<Labeled> found = new ArrayList<>();
        collect(root, found);
        return found;
    }

    private static void collect(Node n, List<Labeled> found) {
        if (n instanceof Labeled l) {
            found.add(l);
        }
        if (n instanceof Parent p) {
            for (Node child : p.getChildrenUnmodifiable()) {
                collect(child, found);
            }
        }
    }
}
