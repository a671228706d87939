package dev.procdeck.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import javafx.animation.AnimationTimer;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Labeled;
import javafx.scene.text.Text;

/**
 * The start-up smoke check CI runs on the README's commands ({@code PROCDECK_SMOKE=FILE mvn -q javafx:run}): once
 * the first frame shows the project's rows, the type rows' names ({@code row: web}) and the texts the window
 * shows are written to FILE and the app quits
 * through its normal close path. Without rows within the time limit ({@code PROCDECK_SMOKE_TIMEOUT}, seconds,
 * default 120) it writes why and exits with status 1, so a README command that opens a broken window fails CI
 * rather than passing because nothing crashed.
 */
final class SmokeCheck {
    static final String FILE_VARIABLE = "PROCDECK_SMOKE";
    private static final System.Logger LOG = System.getLogger("dev.procdeck.ui");
    /** Frames in a row with the same rows before they count as shown (a table fills within one pulse). */
    private static final int STABLE_FRAMES = 5;

    private SmokeCheck() {
    }

    /** Starts watching {@code scene} when the environment asks for a smoke check; does nothing otherwise. */
    static void startIfRequested(Scene scene, Executor io, Runnable quit) {
        String file = System.getenv(FILE_VARIABLE);
        if (file == null || file.isBlank()) {
            return;
        }
        long limitNanos = parseSeconds(System.getenv(FILE_VARIABLE + "_TIMEOUT"), 120) * 1_000_000_000L;
        Path report = Path.of(file);
        new AnimationTimer() {
            private long first = -1;
            private int lastRows = -1;
            private int stable;

            @Override
            public void handle(long now) {
                try {
                    if (first < 0) {
                        first = now;
                    }
                    int rows = shownRows(scene.getRoot());
                    stable = rows > 0 && rows == lastRows ? stable + 1 : 0;
                    lastRows = rows;
                    if (stable >= STABLE_FRAMES) {
                        stop();
                        StringBuilder text = new StringBuilder("rows shown: " + rows + "\n");
                        typeRows(scene.getRoot()).forEach(name -> text.append("row: ").append(name).append('\n'));
                        shownTexts(scene.getRoot()).forEach(t -> text.append(t).append('\n'));
                        io.execute(() -> {
                            write(report, text.toString());
                            javafx.application.Platform.runLater(quit);
                        });
                    } else if (now - first > limitNanos) {
                        stop();
                        String text = "FAILED: no project rows shown after " + limitNanos / 1_000_000_000L + " s\n"
                                + String.join("\n", shownTexts(scene.getRoot())) + "\n";
                        io.execute(() -> {
                            write(report, text);
                            System.exit(1);
                        });
                    }
                } catch (RuntimeException e) {
                    // An AnimationTimer that throws stops the FX pulse for good: report and let the deadline decide.
                    LOG.log(System.Logger.Level.ERROR, "smoke check failed", e);
                }
            }
        }.start();
    }

    /** Table rows (of any table in the window) that show an item. */
    static int shownRows(Parent root) {
        int rows = 0;
        for (Node n : root.lookupAll(".tree-table-row-cell")) {
            if (n instanceof IndexedCell<?> cell && !cell.isEmpty() && cell.getItem() != null && treeVisible(n)) {
                rows++;
            }
        }
        return rows;
    }

    /** The names of the process tables' top rows (one per process type), shown or scrolled out of view. */
    static List<String> typeRows(Parent root) {
        List<String> names = new ArrayList<>();
        for (Node n : root.lookupAll(".tree-table-view")) {
            if (n instanceof javafx.scene.control.TreeTableView<?> table && table.getRoot() != null) {
                for (var item : table.getRoot().getChildren()) {
                    if (item.getValue() instanceof DeckRow row) {
                        names.add(row.nameProperty().get());
                    }
                }
            }
        }
        return names;
    }

    /** The non-blank texts of every visible label, cell and text node, in scene order, each once. */
    static List<String> shownTexts(Parent root) {
        Set<String> texts = new LinkedHashSet<>();
        collect(root, texts);
        return new ArrayList<>(texts);
    }

    private static void collect(Node node, Set<String> texts) {
        if (!node.isVisible()) {
            return;
        }
        String text = node instanceof Labeled l ? l.getText() : node instanceof Text t ? t.getText() : null;
        if (text != null && !text.isBlank()) {
            texts.add(text.strip());
        }
        if (node instanceof Parent p) {
            for (Node child : p.getChildrenUnmodifiable()) {
                collect(child, texts);
            }
        }
    }

    private static boolean treeVisible(Node n) {
        for (Node at = n; at != null; at = at.getParent()) {
            if (!at.isVisible()) {
                return false;
            }
        }
        return true;
    }

    private static void write(Path report, String text) {
        try {
            Files.writeString(report, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot write the smoke report " + report, e);
        }
    }

    private static long parseSeconds(String value, long otherwise) {
        try {
            return value == null ? otherwise : Math.max(1, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
