package dev.procdeck.ui;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.application.Platform;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

/**
 * The process table's column widths. Every column is at least as wide as its header and what its visible cells
 * need to show whole (a name, number or state in full; a wrapping text its longest word). What the window has
 * beyond that goes to the columns up to the widths they want, then to the growing ones (command, state, figures).
 * Where the window is narrower than the needs, the columns keep their needs and the table scrolls sideways:
 * nothing is cut. A column the user drags keeps the width asked for (never less than its need). While the window
 * keeps its width, no column narrows (what grew stays put), so controls do not move under the mouse.
 */
final class ColumnFit {
    /** A cell that can say how wide its column must be for it. */
    interface Measured {
        /** Pixels this cell needs to show its content whole; 0 when it shows nothing. */
        double need();
    }

    private record Wish(double want, double grow) {
    }

    private static final Text MEASURE = new Text();
    private final TreeTableView<?> table;
    private final Map<TreeTableColumn<?, ?>, Wish> wishes = new HashMap<>();
    /**
     * What each row needed in each column when last shown: a row scrolled out of sight keeps its width, so the
     * columns do not jump while the user scrolls. Rows that left the table are dropped.
     */
    private final Map<TreeTableColumn<?, ?>, Map<Object, Double>> rowNeeds = new HashMap<>();
    private boolean scheduled;
    /** Each column's widest need since the table last changed width, and that width. */
    private final Map<TreeTableColumn<?, ?>, Double> widestNeeds = new HashMap<>();
    private double steadyWidth = -1;

    ColumnFit(TreeTableView<?> table) {
        this.table = table;
        // At once, not later: laid out for one pulse at the old widths, a narrower table would show a sideways
        // scroll bar that its flow then keeps (it remembers the widest row it has laid out).
        table.widthProperty().addListener(o -> fit());
        table.setColumnResizePolicy(features -> {
            TreeTableColumn<?, ?> dragged = features.getColumn();
            if (dragged != null) {
                Wish w = wishes.getOrDefault(dragged, new Wish(dragged.getWidth(), 0));
                wishes.put(dragged, new Wish(Math.max(needs().getOrDefault(dragged, 0.0), dragged.getWidth() + features.getDelta()), w.grow()));
            }
            fit();
            return true;
        });
    }

    /** The width a column wants and its share of any room beyond all wants (0: never wider than it wants). */
    void wish(TreeTableColumn<?, ?> column, double want, double grow) {
        column.setMinWidth(0);
        column.setMaxWidth(Double.MAX_VALUE);
        column.setPrefWidth(want);
        wishes.put(column, new Wish(want, grow));
    }

    /** A width the user chose (a restored preference): wanted from now on, if at least the column's need. */
    void want(TreeTableColumn<?, ?> column, double width) {
        Wish w = wishes.getOrDefault(column, new Wish(width, 0));
        wishes.put(column, new Wish(width, w.grow()));
        schedule();
    }

    /** Fits the columns once the current pulse's cells are updated (many cells change in one pulse). */
    void schedule() {
        if (!scheduled) {
            scheduled = true;
            Platform.runLater(() -> {
                scheduled = false;
                fit();
            });
        }
    }

    /** The width of {@code text} in {@code font}, as a Labeled measures it (FX thread). */
    static double textWidth(String text, Font font) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        MEASURE.setText(text);
        MEASURE.setFont(font);
        return Math.ceil(MEASURE.getLayoutBounds().getWidth()) + 2;
    }

    /** The widest word of {@code text} (where a wrapping label can break it no further). */
    static double widestWord(String text, Font font) {
        double widest = 0;
        if (text != null) {
            for (String word : text.split("\\s+")) {
                widest = Math.max(widest, textWidth(word, font));
            }
        }
        return widest;
    }

    void fit() {
        if (table.getSkin() == null || table.getWidth() <= 0) {
            return;
        }
        List<? extends TreeTableColumn<?, ?>> columns = table.getVisibleLeafColumns();
        Map<TreeTableColumn<?, ?>, Double> needs = needs();
        double available = table.getWidth() - table.snappedLeftInset() - table.snappedRightInset() - verticalBarWidth();
        int n = columns.size();
        double[] need = new double[n];
        double[] want = new double[n];
        double[] grow = new double[n];
        double sumNeed = 0;
        double sumWant = 0;
        double sumGrow = 0;
        if (table.getWidth() != steadyWidth) {
            steadyWidth = table.getWidth(); // the window changed: columns may narrow again
            widestNeeds.clear();
        }
        // A column does not narrow while the window keeps its width and there is room for the widest it has been:
        // a state that got shorter must not move the buttons to its right from under the mouse.
        double steadySum = 0;
        for (TreeTableColumn<?, ?> c : columns) {
            steadySum += Math.max(needs.getOrDefault(c, 0.0), widestNeeds.getOrDefault(c, 0.0));
        }
        boolean steady = steadySum <= available;
        for (int i = 0; i < n; i++) {
            TreeTableColumn<?, ?> c = columns.get(i);
            Wish w = wishes.getOrDefault(c, new Wish(c.getPrefWidth(), 0));
            need[i] = steady ? Math.max(needs.getOrDefault(c, 0.0), widestNeeds.getOrDefault(c, 0.0))
                    : needs.getOrDefault(c, 0.0);
            widestNeeds.put(c, need[i]);
            want[i] = Math.max(need[i], w.want());
            grow[i] = w.grow();
            sumNeed += need[i];
            sumWant += want[i];
            sumGrow += grow[i];
        }
        for (int i = 0; i < n; i++) {
            double width;
            if (available <= sumNeed) {
                width = need[i]; // the table scrolls sideways
            } else if (available <= sumWant) {
                width = need[i] + (want[i] - need[i]) * (available - sumNeed) / (sumWant - sumNeed);
            } else {
                width = want[i] + (sumGrow == 0 ? 0 : (available - sumWant) * grow[i] / sumGrow);
            }
            width = Math.floor(width);
            if (Math.abs(columns.get(i).getPrefWidth() - width) >= 1) {
                columns.get(i).setPrefWidth(width);
            }
        }
    }

    /** Per column: the widest of its header and its visible cells' needs. */
    private Map<TreeTableColumn<?, ?>, Double> needs() {
        Map<TreeTableColumn<?, ?>, Double> needs = new HashMap<>();
        for (Node header : table.lookupAll(".column-header")) {
            if (header instanceof javafx.scene.control.skin.TableColumnHeader h && h.getTableColumn() instanceof TreeTableColumn<?, ?> c
                    && header.lookup(".label") instanceof Labeled label) {
                // The label's text and padding, the header's padding, and a little for the column's divider.
                double padding = label.snappedLeftInset() + label.snappedRightInset() + h.snappedLeftInset()
                        + h.snappedRightInset();
                needs.merge(c, textWidth(label.getText(), label.getFont()) + padding + 6, Math::max);
            }
        }
        for (Node node : table.lookupAll(".tree-table-cell")) {
            if (node instanceof Measured m && node instanceof javafx.scene.control.TreeTableCell<?, ?> cell
                    && !cell.isEmpty() && cell.isVisible() && cell.getParent() != null && cell.getParent().isVisible()
                    && cell.getTableColumn() != null && cell.getTableRow() != null && cell.getTableRow().getItem() != null) {
                rowNeeds.computeIfAbsent(cell.getTableColumn(), c -> new java.util.IdentityHashMap<>())
                        .put(cell.getTableRow().getItem(), Math.ceil(m.need()));
            }
        }
        java.util.Set<Object> shown = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        if (table.getRoot() != null) {
            collect(table.getRoot(), shown);
        }
        rowNeeds.forEach((column, byRow) -> {
            byRow.keySet().retainAll(shown);
            byRow.values().forEach(need -> needs.merge(column, need, Math::max));
        });
        return needs;
    }

    private static void collect(javafx.scene.control.TreeItem<?> item, java.util.Set<Object> into) {
        if (item.getValue() != null) {
            into.add(item.getValue());
        }
        for (javafx.scene.control.TreeItem<?> child : item.getChildren()) {
            collect(child, into);
        }
    }

    /**
     * The vertical scroll bar's width, whether it shows or not: were the columns to fill the room it leaves, the
     * bar appearing (rows grew) would push them past the edge for one pulse, and the table's flow keeps a sideways
     * scroll bar for the widest row it has ever laid out.
     */
    private double verticalBarWidth() {
        for (Node node : table.lookupAll(".scroll-bar")) {
            if (node instanceof ScrollBar bar && bar.getOrientation() == Orientation.VERTICAL) {
                return Math.max(bar.getWidth(), bar.prefWidth(-1));
            }
        }
        return 16;
    }
}
