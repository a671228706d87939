package dev.procdeck.ui;

import dev.procdeck.procfile.RestartMode;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.value.ObservableValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableCell;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableRow;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;

/**
 * The process table: one expandable row per type, its instances beneath, with scale and actions. The row
 * buttons are for the mouse and stay out of the Tab order; the keyboard works on the selected row (Enter
 * starts, Delete stops, R restarts, the context-menu key opens the row's menu).
 */
public final class ProcessTableView extends TreeTableView<DeckRow> {
    private final DashboardViewModel model;
    private final TreeItem<DeckRow> rootItem = new TreeItem<>();
    private Consumer<String> onInstanceDoubleClick = name -> { };
    private Consumer<String> onShowLogsOf = name -> { };
    private Consumer<InstanceRow> onEnvironment = row -> { };
    private final ColumnFit fit = new ColumnFit(this);
    /** The tree item of each type row, kept across rebuilds (with its one listener on the type's instances). */
    private final java.util.Map<TypeRow, TypeItem> typeItems = new java.util.IdentityHashMap<>();
    private final ContextMenu browserProblem = new ContextMenu();
    private final Label browserProblemText = new Label();

    public ProcessTableView(DashboardViewModel model) {
        this.model = model;
        setId("processTable");
        setRoot(rootItem);
        setShowRoot(false);
        setPlaceholder(new Label("No process types"));
        getColumns().addAll(nameColumn(), stateColumn(), scaleColumn(), commandColumn(),
                pidColumn(), portColumn(),
                textColumn("Uptime", 86, DeckRow::uptimeProperty), restartsColumn(), lastExitColumn(),
                usageColumn("CPU", 110, DeckRow::cpuProperty, true),
                usageColumn("Memory", 130, DeckRow::memoryProperty, false),
                requestsColumn(), actionsColumn());
        browserProblemText.setId("browserProblem");
        browserProblemText.setWrapText(true);
        browserProblemText.setMaxWidth(360);
        browserProblem.getItems().add(new javafx.scene.control.CustomMenuItem(browserProblemText, true));
        for (TreeTableColumn<DeckRow, ?> c : getColumns()) {
            if (c.getId() == null) {
                c.setId("col-" + c.getText().toLowerCase().replace(' ', '-'));
            }
        }
        model.types().addListener((ListChangeListener<TypeRow>) c -> rebuild());
        rebuild();
        setRowFactory(t -> {
            TreeTableRow<DeckRow> row = new TreeTableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && row.getItem() instanceof InstanceRow i) {
                    onInstanceDoubleClick.accept(i.id().name());
                }
            });
            row.itemProperty().addListener((o, a, item) -> row.setContextMenu(item == null ? null : contextMenu(item)));
            return row;
        });
        setOnKeyPressed(e -> {
            DeckRow row = selected();
            if (row == null || e.isShortcutDown() || e.isAltDown()) {
                return;
            }
            if (e.getCode() == KeyCode.CONTEXT_MENU || (e.getCode() == KeyCode.F10 && e.isShiftDown())) {
                showMenuOfSelectedRow();
            } else if (e.getCode() == KeyCode.ENTER) {
                model.start(row);
            } else if (e.getCode() == KeyCode.DELETE) {
                model.stop(row);
            } else if (e.getCode() == KeyCode.R && !e.isShiftDown()) {
                model.restart(row);
            } else {
                return;
            }
            e.consume();
        });
    }

    public void setOnInstanceDoubleClick(Consumer<String> handler) {
        this.onInstanceDoubleClick = handler;
    }

    /** What "Show only its logs" does (the console shows one instance). */
    public void setOnShowLogsOf(Consumer<String> handler) {
        this.onShowLogsOf = handler;
    }

    public void setOnEnvironment(Consumer<InstanceRow> handler) {
        this.onEnvironment = handler;
    }

    /** A column's width as the user left it last time (its need still wins). */
    void restoreWidth(TreeTableColumn<DeckRow, ?> column, double width) {
        fit.want(column, width);
    }

    /** What the last failed "open in browser" said, empty when none failed. */
    String browserProblem() {
        return browserProblem.isShowing() ? browserProblemText.getText() : "";
    }

    /** The selected row's context menu, below that row (keyboard: the Menu key or Shift+F10). */
    void showMenuOfSelectedRow() {
        int index = getSelectionModel().getSelectedIndex();
        DeckRow row = selected();
        if (row == null) {
            return;
        }
        javafx.scene.Node anchor = lookupAll(".tree-table-row-cell").stream()
                .filter(n -> n instanceof TreeTableRow<?> r && r.getIndex() == index).findFirst().orElse(this);
        javafx.geometry.Bounds b = anchor.localToScreen(anchor.getBoundsInLocal());
        if (b != null) {
            contextMenu(row).show(anchor, b.getMinX() + 24, b.getMaxY());
        }
    }

    private DeckRow selected() {
        TreeItem<DeckRow> item = getSelectionModel().getSelectedItem();
        return item == null ? null : item.getValue();
    }

    /**
     * A type's tree item and the one listener that keeps its children in step with the type's instances. Items
     * outlive rebuilds (a reload keeps the types it does not change), so their expansion and the selection do too;
     * a type that leaves the table takes its listener with it.
     */
    /** The scheduled types the rows were last drawn for. */
    private java.util.Set<String> scheduledShown = java.util.Set.of();

    private static final class TypeItem extends TreeItem<DeckRow> {
        private final TypeRow type;
        private final ListChangeListener<InstanceRow> follow = c -> sync();

        TypeItem(TypeRow type) {
            super(type);
            this.type = type;
            setExpanded(true);
            sync();
            type.instances().addListener(follow);
        }

        private void sync() {
            getChildren().setAll(type.instances().stream().map(i -> new TreeItem<DeckRow>(i)).toList());
        }

        void detach() {
            type.instances().removeListener(follow);
        }
    }

    private void rebuild() {
        java.util.Set<TypeRow> now = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        now.addAll(model.types());
        typeItems.entrySet().removeIf(e -> {
            if (!now.contains(e.getKey())) {
                e.getValue().detach();
                return true;
            }
            return false;
        });
        rootItem.getChildren().setAll(model.types().stream()
                .map(t -> (TreeItem<DeckRow>) typeItems.computeIfAbsent(t, TypeItem::new)).toList());
        // A row whose kind changed (a type a reload scheduled, or no longer) keeps its item and index: its cells
        // are redrawn only when asked, and only then (a refresh re-makes cells under the user's hands).
        java.util.Set<String> scheduledNow = model.types().stream().map(TypeRow::typeName)
                .filter(model.jobs()::isScheduled).collect(java.util.stream.Collectors.toSet());
        if (!scheduledNow.equals(scheduledShown)) {
            scheduledShown = scheduledNow;
            refresh();
        }
        fit.schedule();
    }

    // ---- context menu ---------------------------------------------------------------------------------------

    ContextMenu contextMenu(DeckRow row) {
        String name = row.nameProperty().get();
        MenuItem start = Icons.on(menuItem("Start", "ctx-start", () -> model.start(row)), Icons.START);
        MenuItem stop = Icons.on(menuItem("Stop", "ctx-stop", () -> model.stop(row)), Icons.STOP);
        MenuItem restart = Icons.on(menuItem("Restart", "ctx-restart", () -> model.restart(row)), Icons.RESTART);
        start.setAccelerator(null);
        SeparatorMenuItem afterActions = new SeparatorMenuItem();
        ContextMenu menu = new ContextMenu(start, stop, restart, afterActions);
        // Only what applies: no Start for what runs, no Stop or Restart for what does not.
        Runnable offer = () -> {
            start.setVisible(canStart(row));
            stop.setVisible(canStop(row));
            restart.setVisible(canStop(row));
            afterActions.setVisible(start.isVisible() || stop.isVisible());
        };
        offer.run();
        if (row instanceof InstanceRow i) {
            MenuItem copyPid = Icons.on(menuItem("Copy PID", "ctx-copyPid", () -> {
                ClipboardContent c = new ClipboardContent();
                c.putString(Long.toString(i.snapshot().pid()));
                Clipboard.getSystemClipboard().setContent(c);
            }), Icons.COPY);
            // Only an instance of a web-like type serves a page; an attached procdeck's localhost may be elsewhere.
            MenuItem open = Icons.on(menuItem("Open " + i.webAddress().orElse("") + " in Browser", "ctx-browser",
                    () -> i.webAddress().ifPresent(url -> openInBrowser(url, this))), Icons.BROWSER);
            MenuItem logs = Icons.on(menuItem("Show Only " + name + "'s Logs", "ctx-logs", () -> onShowLogsOf.accept(name)),
                    Icons.LOGS);
            MenuItem env = Icons.on(menuItem("Environment…", "ctx-env", () -> onEnvironment.accept(i)), Icons.ENVIRONMENT);
            menu.getItems().addAll(copyPid, open, logs, new SeparatorMenuItem(), env);
            menu.setOnShowing(e -> {
                offer.run();
                copyPid.setVisible(i.snapshot().pid() > 0);
                open.setText("Open " + i.webAddress().orElse("") + " in Browser");
                open.setVisible(i.webAddress().isPresent() && i.instanceState().hasProcess() && !model.attachedProperty().get());
                // An attached procdeck may run on another machine: its environment is not here.
                env.setDisable(model.attachedProperty().get());
            });
        } else if (row instanceof TypeRow t) {
            javafx.scene.control.Menu policy = new javafx.scene.control.Menu("Restart Policy");
            policy.setId("ctx-policy");
            ToggleGroup group = new ToggleGroup();
            for (RestartMode mode : RestartMode.values()) {
                RadioMenuItem item = new RadioMenuItem(switch (mode) {
                    case ALWAYS -> "Always (a process is meant to run forever)";
                    case ON_FAILURE -> "On Failure (a clean exit is done)";
                    case NEVER -> "Never";
                });
                item.setId("ctx-policy-" + mode.spelling());
                item.setMnemonicParsing(false);
                item.setToggleGroup(group);
                item.setOnAction(e -> model.setRestartMode(t.typeName(), mode));
                policy.getItems().add(item);
            }
            menu.getItems().add(policy);
            policy.disableProperty().bind(model.attachedProperty()); // procdeck.yml's, on the attached side
            if (model.jobs().isScheduled(t.typeName())) {
                menu.getItems().add(1, Icons.on(menuItem("Run Now", "ctx-runNow", () -> model.jobs().runNow(t.typeName())),
                        Icons.START));
            }
            menu.setOnShowing(e -> {
                offer.run();
                RestartMode now = model.restartMode(t.typeName());
                for (MenuItem mi : policy.getItems()) {
                    ((RadioMenuItem) mi).setSelected(mi.getId().equals("ctx-policy-" + now.spelling()));
                }
            });
        }
        return menu;
    }

    private static MenuItem menuItem(String text, String id, Runnable action) {
        MenuItem mi = new MenuItem(text);
        mi.setId(id);
        mi.setMnemonicParsing(false);
        mi.setOnAction(e -> action.run());
        return mi;
    }

    /**
     * Opens {@code url} in the desktop's browser; where none opens it, says so beside {@code anchor} and puts the
     * address on the clipboard instead.
     */
    private void openInBrowser(String url, javafx.scene.Node anchor) {
        UrlOpener.open(url).whenComplete((ok, problem) -> {
            if (problem != null) {
                Throwable why = problem instanceof java.util.concurrent.CompletionException && problem.getCause() != null
                        ? problem.getCause() : problem;
                javafx.application.Platform.runLater(() -> {
                    ClipboardContent c = new ClipboardContent();
                    c.putString(url);
                    Clipboard.getSystemClipboard().setContent(c);
                    browserProblemText.setText("No browser opened " + url + ": " + why.getMessage()
                            + ". The address is on the clipboard.");
                    if (anchor.getScene() != null && anchor.getScene().getWindow() != null
                            && anchor.getScene().getWindow().isShowing()) {
                        browserProblem.show(anchor, javafx.geometry.Side.BOTTOM, 0, 2);
                    }
                });
            }
        });
    }

    // ---- columns --------------------------------------------------------------------------------------------

    /**
     * A cell that tells the column fit what it needs and grows its row where its content wraps (the row's height
     * follows the column's width, not the unwrapped text).
     */
    private abstract class FitCell<T> extends TreeTableCell<DeckRow, T> implements ColumnFit.Measured {
        @Override
        protected void updateItem(T item, boolean empty) {
            super.updateItem(item, empty);
            fit.schedule();
        }

        double insets() {
            return snappedLeftInset() + snappedRightInset();
        }

        /** By default the whole text, on one line. */
        @Override
        public double need() {
            return insets() + ColumnFit.textWidth(getText(), getFont());
        }

        @Override
        protected double computePrefHeight(double width) {
            double w = getTableColumn() == null || getTableColumn().getWidth() <= 0 ? width : getTableColumn().getWidth();
            double h = super.computePrefHeight(w);
            javafx.scene.Node g = getGraphic();
            if (g != null && g.isManaged() && (getText() == null || getText().isEmpty()) && w > 0) {
                h = Math.max(h, snappedTopInset() + snappedBottomInset() + g.prefHeight(Math.max(0, w - insets())));
            }
            return h;
        }
    }

    /**
     * Text that wraps: a text up to {@code whole} pixels keeps one line; a longer one wraps at spaces (and a word
     * longer than the column wraps inside, when {@code breakWords}, as a long path or module name would), its row
     * growing for the lines.
     */
    private class WrappingTextCell extends FitCell<String> {
        private final double whole;
        private final boolean breakWords;

        WrappingTextCell(double whole, boolean breakWords) {
            this.whole = whole;
            this.breakWords = breakWords;
            setWrapText(true);
        }

        @Override
        protected void updateItem(String text, boolean empty) {
            super.updateItem(text, empty);
            setText(empty ? null : text);
            setTooltip(empty || text == null || text.isEmpty() ? null : new Tooltip(text));
        }

        @Override
        public double need() {
            double line = Math.min(ColumnFit.textWidth(getText(), getFont()), whole);
            return insets() + (breakWords ? line : Math.max(line, ColumnFit.widestWord(getText(), getFont())));
        }
    }

    /** Whether the window is too narrow for three buttons per row: then one button opens the row's menu. */
    private final javafx.beans.binding.BooleanBinding compact = widthProperty().lessThan(COMPACT_BELOW);
    static final double COMPACT_BELOW = 1180;

    private TreeTableColumn<DeckRow, String> nameColumn() {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>("Process");
        fit.wish(col, 130, 0.5);
        col.setCellValueFactory(c -> c.getValue().getValue().nameProperty());
        col.setCellFactory(c -> new FitCell<>() {
            private final Rectangle swatch = new Rectangle(10, 10);

            {
                swatch.setArcWidth(3);
                swatch.setArcHeight(3);
            }

            @Override
            protected void updateItem(String name, boolean empty) {
                super.updateItem(name, empty);
                DeckRow row = getTableRow() == null ? null : getTableRow().getItem();
                getStyleClass().removeAll("type-name", "instance-name");
                if (empty || row == null) {
                    setText(null);
                    setGraphic(null);
                    setTooltip(null);
                    return;
                }
                swatch.setFill(Palette.typeColour(row.colourIndex()));
                setGraphic(swatch);
                setText(name);
                Tooltip tip = new Tooltip(name);
                tip.setOnShowing(e -> tip.setText(row instanceof InstanceRow i && i.snapshot().pid() > 0
                        ? name + " \u2014 pid " + i.snapshot().pid() : name)); // the pid of now, after restarts too
                setTooltip(tip);
                getStyleClass().add(row instanceof TypeRow ? "type-name" : "instance-name");
            }

            @Override
            public double need() {
                // The tree's indentation and disclosure arrow sit inside this cell's left padding: once laid out,
                // the swatch's place says how much they take.
                int level = getTableRow() == null || getTableRow().getTreeItem() == null ? 1
                        : getTreeTableView().getTreeItemLevel(getTableRow().getTreeItem());
                double left = swatch.getLayoutX() > 0 ? swatch.getLayoutX() : snappedLeftInset() + 18 + 10 * level;
                return left + swatch.getWidth() + getGraphicTextGap() + ColumnFit.textWidth(getText(), getFont())
                        + snappedRightInset();
            }
        });
        return col;
    }

    private TreeTableColumn<DeckRow, String> stateColumn() {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>("State");
        fit.wish(col, 170, 1.5);
        col.setCellValueFactory(c -> c.getValue().getValue().stateProperty());
        col.setCellFactory(c -> new FitCell<>() {
            private final StateBadge badge = new StateBadge();

            @Override
            protected void updateItem(String state, boolean empty) {
                super.updateItem(state, empty);
                DeckRow row = getTableRow() == null ? null : getTableRow().getItem();
                if (empty || row == null) {
                    setGraphic(null);
                    setTooltip(null);
                    return;
                }
                badge.show(state, row.stateKindProperty().get());
                setGraphic(badge);
                setTooltip(new Tooltip(stateTooltip(row, getTableRow().getTreeItem())));
            }

            @Override
            public double need() {
                return insets() + badge.minWidth(-1);
            }
        });
        return col;
    }
    /** The state, the last event, and for exit code 127 which command the shell did not find. */
    String stateTooltip(DeckRow row, TreeItem<DeckRow> item) {
        StringBuilder text = new StringBuilder(row.stateProperty().get());
        String detail = row.detailProperty().get();
        if (detail != null && !detail.isEmpty()) {
            text.append("\n").append(detail);
        }
        TypeRow type = row instanceof TypeRow t ? t
                : item != null && item.getParent() != null && item.getParent().getValue() instanceof TypeRow t ? t : null;
        List<InstanceRow> instances = row instanceof InstanceRow i ? List.of(i) : type == null ? List.of() : type.instances();
        boolean notFound = instances.stream().anyMatch(i -> i.snapshot().lastExit() != null && i.snapshot().lastExit().code() == 127);
        if (notFound && type != null) {
            text.append("\ncommand not found: ").append(missingCommand(type.commandProperty().get()));
        }
        if (type != null) {
            text.append("\nrestart policy: ").append(model.restartMode(type.typeName()).spelling());
        }
        return text.toString();
    }

    /** The program a Procfile command runs: its first word after {@code VAR=value} assignments and exec. */
    static String missingCommand(String command) {
        if (command == null) {
            return "";
        }
        for (String word : command.trim().split("\\s+")) {
            if (word.isEmpty() || word.equals("exec") || word.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
                continue;
            }
            return dev.procdeck.procfile.Visible.escape(word);
        }
        return command;
    }

    private TreeTableColumn<DeckRow, Number> scaleColumn() {
        TreeTableColumn<DeckRow, Number> col = new TreeTableColumn<>("Scale");
        // A stepper where room is short; the slider joins it where the column can give it 8 px a step.
        fit.wish(col, 112, 5); // a wide window's room goes here first, for the slider
        col.setCellValueFactory(c -> c.getValue().getValue() instanceof TypeRow t ? t.scaleProperty() : null);
        col.setCellFactory(c -> new FitCell<>() {
            private TypeRow bound;
            private final ScaleField scale = new ScaleField();
            private final javafx.beans.value.ChangeListener<Number> scaleListener = (o, a, b) -> scale.setValue(b.intValue());

            {
                scale.setOnScale(n -> {
                    if (bound != null) {
                        bound.scaleProperty().set(n);
                    }
                });
                scale.disableProperty().bind(model.readOnlyProperty()); // another procdeck runs the project
            }

            @Override
            protected void updateItem(Number value, boolean empty) {
                super.updateItem(value, empty);
                DeckRow row = getTableRow() == null ? null : getTableRow().getItem();
                if (empty || !(row instanceof TypeRow type)) {
                    unbind();
                    setGraphic(null);
                    return;
                }
                if (model.jobs().isScheduled(type.typeName())) {
                    unbind();
                    setGraphic(ScheduledJobCell.of(type, model));
                    return;
                }
                if (bound != type) {
                    unbind();
                    bound = type;
                    scale.setValue(type.scaleProperty().get());
                    type.scaleProperty().addListener(scaleListener);
                    scale.setIds(type.typeName());
                }
                setGraphic(scale);
            }

            @Override
            public double need() {
                javafx.scene.Node g = getGraphic();
                if (g == null) {
                    return 0;
                }
                // The stepper (the slider comes with room); a job's schedule on one line where it is short.
                return insets() + (g == scale ? g.minWidth(-1) : Math.min(g.prefWidth(-1), Math.max(g.minWidth(-1), 150)));
            }

            private void unbind() {
                if (bound != null) {
                    bound.scaleProperty().removeListener(scaleListener);
                    bound = null;
                    scale.clearIds();
                }
            }
        });
        return col;
    }

    /** Commands wrap at spaces (a long path breaks nowhere, so its column is at least that wide). */
    private TreeTableColumn<DeckRow, String> commandColumn() {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>("Command");
        fit.wish(col, 190, 3);
        col.setCellValueFactory(c -> c.getValue().getValue() instanceof TypeRow t ? t.commandProperty() : null);
        col.setCellFactory(c -> {
            WrappingTextCell cell = new WrappingTextCell(110, true);
            cell.getStyleClass().add("mono");
            return cell;
        });
        return col;
    }

    /** The PID: on a narrow window it gives its room to the rest (it is in the name's tooltip and the row's menu). */
    private TreeTableColumn<DeckRow, String> pidColumn() {
        TreeTableColumn<DeckRow, String> col = textColumn("PID", 70, DeckRow::pidProperty);
        col.visibleProperty().bind(compact.not());
        return col;
    }

    /** A short figure (PID, uptime), always whole. */
    private TreeTableColumn<DeckRow, String> textColumn(String title, double width,
                                                        Function<DeckRow, ObservableValue<String>> value) {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>(title);
        fit.wish(col, width, 0);
        col.setCellValueFactory(c -> value.apply(c.getValue().getValue()));
        col.setCellFactory(c -> new FitCell<>() {
            @Override
            protected void updateItem(String text, boolean empty) {
                super.updateItem(text, empty);
                setText(empty ? null : text);
            }
        });
        return col;
    }

    /** The last exit ("SIGTERM (exit code 143)"), wrapping under its first words rather than cut. */
    private TreeTableColumn<DeckRow, String> lastExitColumn() {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>("Last exit");
        fit.wish(col, 150, 1);
        col.setCellValueFactory(c -> c.getValue().getValue().lastExitProperty());
        col.setCellFactory(c -> new WrappingTextCell(90, false));
        return col;
    }

    /** Restarts: the count, and on a type's row a strip of its starts and exits of the last minutes. */
    private TreeTableColumn<DeckRow, DeckRow> restartsColumn() {
        TreeTableColumn<DeckRow, DeckRow> col = new TreeTableColumn<>("Restarts");
        fit.wish(col, 120, 0.5);
        col.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyObjectWrapper<>(c.getValue().getValue()));
        col.setCellFactory(c -> new FitCell<>() {
            private final Label count = new Label();
            private final RunTimeline timeline = new RunTimeline(76, 16);
            private final HBox box = new HBox(6, count, timeline);
            private DeckRow bound;
            private final javafx.beans.property.BooleanProperty typeRow = new javafx.beans.property.SimpleBooleanProperty();
            private final javafx.beans.InvalidationListener redraw = o -> draw();

            {
                box.setAlignment(Pos.CENTER_LEFT);
                box.setMinWidth(0);
                count.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
                // A type's row only, and only where the column has room for the strip.
                timeline.visibleProperty().bind(typeRow.and(widthProperty().greaterThan(110)));
                timeline.managedProperty().bind(timeline.visibleProperty());
            }

            @Override
            protected void updateItem(DeckRow row, boolean empty) {
                super.updateItem(row, empty);
                if (bound != null) {
                    bound.restartsProperty().removeListener(redraw);
                    bound.stateProperty().removeListener(redraw);
                    bound = null;
                }
                if (empty || row == null) {
                    setGraphic(null);
                    return;
                }
                bound = row;
                row.restartsProperty().addListener(redraw);
                row.stateProperty().addListener(redraw);
                typeRow.set(row instanceof TypeRow);
                draw();
                setGraphic(box);
            }

            @Override
            public double need() {
                return insets() + ColumnFit.textWidth(count.getText(), count.getFont());
            }

            private void draw() {
                DeckRow row = bound;
                if (row == null) {
                    return;
                }
                String before = count.getText();
                count.setText(Integer.toString(row.restartsProperty().get()));
                if (!count.getText().equals(before)) {
                    fit.schedule();
                }
                if (row instanceof TypeRow t) {
                    List<RunTimeline.Event> events = new java.util.ArrayList<>();
                    t.instances().forEach(i -> events.addAll(i.runs.events()));
                    timeline.draw(events, Instant.now());
                    timeline.setId("timeline-" + t.typeName());
                }
            }
        });
        return col;
    }

    /** CPU or memory: the figure, after a sparkline of the instance's last five minutes where there is room. */
    private TreeTableColumn<DeckRow, String> usageColumn(String title, double width,
                                                         Function<DeckRow, ObservableValue<String>> value, boolean cpu) {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>(title);
        fit.wish(col, width, 1);
        col.setCellValueFactory(c -> value.apply(c.getValue().getValue()));
        col.setCellFactory(c -> new FitCell<>() {
            private final Label figure = new Label();
            private final Sparkline spark = new Sparkline(60, 18);
            private final HBox stack = new HBox(6, spark, figure);
            private final javafx.beans.property.BooleanProperty instanceRow = new javafx.beans.property.SimpleBooleanProperty();
            private InstanceRow bound;
            private final javafx.beans.InvalidationListener redraw = o -> draw();

            {
                stack.setAlignment(Pos.CENTER_RIGHT);
                figure.getStyleClass().add("usage-figure");
                figure.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
                spark.getStyleClass().add(cpu ? "cpu" : "memory");
                // The line takes what the figure leaves; hidden when that is too little to read.
                spark.widthProperty().bind(javafx.beans.binding.Bindings.max(0,
                        widthProperty().subtract(figure.widthProperty()).subtract(22)));
                // An instance's row only, and only where it gets enough width to show a trend (a few pixels say
                // nothing: the figure alone then).
                spark.visibleProperty().bind(instanceRow.and(spark.widthProperty().greaterThanOrEqualTo(40)));
                spark.managedProperty().bind(spark.visibleProperty());
                spark.widthProperty().addListener(redraw);
                stack.setMinWidth(0);
            }

            @Override
            protected void updateItem(String text, boolean empty) {
                super.updateItem(text, empty);
                if (bound != null) {
                    bound.samples.removeListener(redraw);
                    bound = null;
                }
                DeckRow row = getTableRow() == null ? null : getTableRow().getItem();
                if (empty || row == null) {
                    setGraphic(null);
                    setTooltip(null);
                    return;
                }
                figure.setText(text);
                if (row instanceof InstanceRow i) {
                    bound = i;
                    i.samples.addListener(redraw);
                    // A trend only while there is a figure: a stopped or failed instance shows no empty line.
                    instanceRow.set(text != null && !text.isEmpty());
                    spark.setId((cpu ? "cpuSpark-" : "memorySpark-") + i.id().name());
                    setTooltip(new Tooltip((text == null || text.isEmpty() ? "not running" : text)
                            + "\nlast 5 minutes: peak " + peak(i) + (cpu || i.memoryQuota <= 0 ? ""
                            : "\nquota " + dev.procdeck.os.ByteSize.formatWhole(i.memoryQuota) + " (the line): R14"
                            + " past it, restarted at twice it (R15)")));
                } else {
                    instanceRow.set(false);
                    setTooltip(text == null || text.isEmpty() ? null : new Tooltip(text));
                }
                draw();
                setGraphic(stack);
            }

            @Override
            public double need() {
                return insets() + ColumnFit.textWidth(figure.getText(), figure.getFont());
            }

            private String peak(InstanceRow i) {
                return cpu ? String.format("%.1f %%", i.cpuHistory.max()) : DeckRow.bytes((long) i.memoryHistory.max());
            }

            private void draw() {
                if (bound != null) {
                    spark.draw(cpu ? bound.cpuHistory : bound.memoryHistory, cpu ? 5 : 1, cpu ? 0 : bound.memoryQuota);
                }
            }
        });
        return col;
    }

    /**
     * Requests per second through the router, for the routed type and its instances: the figure of the last few
     * seconds after a sparkline of the last minute where there is room, in the danger colour while requests fail;
     * latency and errors in the tooltip. The column shows only while a router runs, and (as PID) not on a narrow
     * window, which has no room for it: there the Port column's tooltips say the figures.
     */
    private TreeTableColumn<DeckRow, String> requestsColumn() {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>("Requests");
        fit.wish(col, 130, 1);
        col.visibleProperty().bind(model.routedProperty().and(compact.not()));
        col.setCellValueFactory(c -> c.getValue().getValue().requestsProperty());
        col.setCellFactory(c -> new FitCell<>() {
            private final Label figure = new Label();
            private final Sparkline spark = new Sparkline(60, 18);
            private final HBox stack = new HBox(6, spark, figure);
            private final javafx.beans.property.BooleanProperty shown = new javafx.beans.property.SimpleBooleanProperty();
            private final Tooltip tip = new Tooltip();
            private DeckRow bound;
            private final javafx.beans.InvalidationListener redraw = o -> draw();

            {
                stack.setAlignment(Pos.CENTER_RIGHT);
                figure.getStyleClass().add("usage-figure");
                figure.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
                spark.getStyleClass().add("requests");
                // As the CPU and memory lines: the line takes what the figure leaves, hidden when too short to read.
                spark.widthProperty().bind(javafx.beans.binding.Bindings.max(0,
                        widthProperty().subtract(figure.widthProperty()).subtract(22)));
                spark.visibleProperty().bind(shown.and(spark.widthProperty().greaterThanOrEqualTo(40)));
                spark.managedProperty().bind(spark.visibleProperty());
                spark.widthProperty().addListener(redraw);
                stack.setMinWidth(0);
                tip.setOnShowing(e -> tip.setText(bound == null ? "" : bound.requests.tooltip(spark.isVisible())));
            }

            @Override
            protected void updateItem(String text, boolean empty) {
                super.updateItem(text, empty);
                if (bound != null) {
                    bound.requests.samplesProperty().removeListener(redraw);
                    bound = null;
                }
                DeckRow row = getTableRow() == null ? null : getTableRow().getItem();
                if (empty || row == null || text == null || text.isEmpty()) {
                    setGraphic(null);
                    setTooltip(null);
                    shown.set(false);
                    figure.setText("");
                    return;
                }
                bound = row;
                row.requests.samplesProperty().addListener(redraw);
                shown.set(true);
                figure.setId("requests-" + row.nameProperty().get());
                spark.setId("requestsSpark-" + row.nameProperty().get());
                tip.setText(row.requests.tooltip(spark.isVisible()));
                setTooltip(tip);
                draw();
                setGraphic(stack);
            }

            @Override
            public double need() {
                return insets() + ColumnFit.textWidth(figure.getText(), figure.getFont());
            }

            private void draw() {
                DeckRow row = bound;
                if (row == null) {
                    return;
                }
                String before = figure.getText();
                figure.setText(row.requests.textProperty().get());
                if (!figure.getText().equals(before)) {
                    fit.schedule();
                }
                boolean failing = row.requests.failing();
                for (javafx.scene.Node n : List.of(figure, spark)) {
                    if (failing && !n.getStyleClass().contains("failing")) {
                        n.getStyleClass().add("failing");
                    } else if (!failing) {
                        n.getStyleClass().remove("failing");
                    }
                }
                // A floor of 1 req/s: a trickle does not fill the height as a flood would.
                spark.draw(row.requests.history, 1);
            }
        });
        return col;
    }

    /** Ports; an instance of a web-like type links to http://localhost:PORT, the routed type to its router. */
    private TreeTableColumn<DeckRow, String> portColumn() {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>("Port");
        fit.wish(col, 96, 0);
        col.setCellValueFactory(c -> c.getValue().getValue().portsProperty());
        col.setCellFactory(c -> new FitCell<>() {
            private final javafx.scene.control.Hyperlink link = new javafx.scene.control.Hyperlink();
            /** The type row shown, whose router address may come and go while the cell shows it. */
            private TypeRow routed;
            private final javafx.beans.InvalidationListener routerMoved = o -> show(getItem(), isEmpty());

            /** What the link opens, and on a narrow window (no Requests column) the row's request figures. */
            private final Tooltip tip = new Tooltip();
            private String tipText = "";

            {
                link.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
                link.setTooltip(tip);
                tip.setOnShowing(e -> {
                    DeckRow row = getTableRow() == null ? null : getTableRow().getItem();
                    boolean figures = compact.get() && row != null && !row.requestsProperty().get().isEmpty();
                    tip.setText(tipText + (figures ? "\n" + row.requestsProperty().get() + ": "
                            + row.requests.tooltip(false) : ""));
                });
                compact.addListener(new javafx.beans.WeakInvalidationListener(routerMoved)); // cells come and go
            }

            @Override
            protected void updateItem(String port, boolean empty) {
                super.updateItem(port, empty);
                if (routed != null) {
                    routed.routerUrlProperty().removeListener(routerMoved);
                    routed = null;
                }
                DeckRow row = getTableRow() == null ? null : getTableRow().getItem();
                if (!empty && row instanceof TypeRow t) {
                    routed = t;
                    t.routerUrlProperty().addListener(routerMoved);
                }
                show(port, empty);
            }

            private void show(String port, boolean empty) {
                DeckRow row = getTableRow() == null ? null : getTableRow().getItem();
                String router = routed == null ? "" : routed.routerUrlProperty().get();
                java.util.Optional<String> url = !empty && row instanceof InstanceRow i ? i.webAddress() : java.util.Optional.empty();
                if (!router.isEmpty()) {
                    // The type's one address: the router's, which sends each request to one of its ready instances.
                    // A narrow window shows its port alone, as the instances' rows below show theirs.
                    String address = router.replaceFirst("^https?://", "");
                    link.setText(compact.get() ? address.substring(address.lastIndexOf(':') + 1) : address);
                    link.setId("router-" + routed.typeName());
                    tipText = "router \u2192 " + routed.typeName() + ": round-robin over its ready instances"
                            + (port == null || port.isEmpty() ? "" : " (on " + port + ")") + "\nOpen " + router;
                    tip.setText(tipText);
                    link.setOnAction(e -> openInBrowser(router, link));
                    setText(null);
                    setGraphic(link);
                } else if (url.isPresent()) {
                    link.setText(port);
                    link.setId("port-" + row.nameProperty().get());
                    tipText = "Open " + url.get();
                    tip.setText(tipText);
                    link.setOnAction(e -> openInBrowser(url.get(), link));
                    setText(null);
                    setGraphic(link);
                } else {
                    setGraphic(null);
                    setText(empty ? null : port);
                }
                fit.schedule();
            }

            @Override
            public double need() {
                return getGraphic() == link ? insets() + link.prefWidth(-1) : super.need();
            }
        });
        return col;
    }

    /**
     * Start, stop and restart buttons (only those that apply are enabled); on a narrow window one button that
     * opens the row's menu, which has them all.
     */
    private TreeTableColumn<DeckRow, DeckRow> actionsColumn() {
        // No header text (as in Tilt's list): the buttons say what they are, and a narrow window keeps the room.
        TreeTableColumn<DeckRow, DeckRow> col = new TreeTableColumn<>("");
        col.setId("col-actions");
        fit.wish(col, 104, 0);
        col.setResizable(false);
        col.setSortable(false);
        col.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyObjectWrapper<>(c.getValue().getValue()));
        col.setCellFactory(c -> new FitCell<>() {
            private final Button start = action(Icons.START, "Start");
            private final Button stop = action(Icons.STOP, "Stop");
            private final Button restart = action(Icons.RESTART, "Restart");
            private final Button more = action(Icons.MORE, "More");
            private final HBox box = new HBox(4, start, stop, restart, more);
            private DeckRow bound;
            private final javafx.beans.value.ChangeListener<String> refresh = (o, was, now) -> enable();

            {
                box.setAlignment(Pos.CENTER_LEFT);
                box.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
                start.setOnAction(e -> model.start(getItem()));
                stop.setOnAction(e -> model.stop(getItem()));
                restart.setOnAction(e -> model.restart(getItem()));
                // The button sits at the window's right edge: its menu opens towards the table, on its left.
                more.setOnAction(e -> {
                    if (getItem() != null) {
                        contextMenu(getItem()).show(more, javafx.geometry.Side.LEFT, 0, 0);
                    }
                });
                for (Button b : List.of(start, stop, restart)) {
                    b.visibleProperty().bind(compact.not());
                    b.managedProperty().bind(b.visibleProperty());
                }
                more.visibleProperty().bind(compact);
                more.managedProperty().bind(more.visibleProperty());
                compact.addListener(o -> fit.schedule());
            }

            @Override
            protected void updateItem(DeckRow row, boolean empty) {
                super.updateItem(row, empty);
                if (bound != null) {
                    bound.stateProperty().removeListener(refresh);
                    bound = null;
                }
                if (empty || row == null) {
                    for (Button b : List.of(start, stop, restart, more)) {
                        b.setId(null); // an idle cell's buttons answer to no row's name
                    }
                    setGraphic(null);
                    return;
                }
                bound = row;
                row.stateProperty().addListener(refresh);
                String name = row.nameProperty().get();
                start.setId("start-" + name);
                stop.setId("stop-" + name);
                restart.setId("restart-" + name);
                more.setId("more-" + name);
                String what = row instanceof TypeRow ? " every " + name + " instance" : " " + name;
                start.setTooltip(new Tooltip("Start" + what + " (Enter)"));
                stop.setTooltip(new Tooltip("Stop" + what + " (SIGTERM, then SIGKILL) (Delete)"));
                restart.setTooltip(new Tooltip("Restart" + what + " (R)"));
                more.setTooltip(new Tooltip("Start, stop, restart" + what + " and more"));
                enable();
                setGraphic(box);
            }

            private void enable() {
                DeckRow row = bound;
                if (row != null) {
                    start.setDisable(!canStart(row));
                    stop.setDisable(!canStop(row));
                    restart.setDisable(!canStop(row));
                }
            }

            @Override
            public double need() {
                return insets() + box.prefWidth(-1);
            }
        });
        return col;
    }

    /** Whether Start would start anything: an instance without a process, or a type with such an instance. */
    static boolean canStart(DeckRow row) {
        return row instanceof InstanceRow i ? !i.instanceState().hasProcess()
                : row instanceof TypeRow t && t.instances().stream().anyMatch(i -> !i.instanceState().hasProcess());
    }

    /** Whether Stop (or Restart) has anything to act on: a process of the row. */
    static boolean canStop(DeckRow row) {
        return row instanceof InstanceRow i ? i.instanceState().hasProcess()
                : row instanceof TypeRow t && t.instances().stream().anyMatch(i -> i.instanceState().hasProcess());
    }

    private static Button action(org.kordamp.ikonli.Ikon icon, String name) {
        Button b = Icons.only(new Button(), icon, name);
        b.getStyleClass().addAll("row-action", "row-action-" + name.toLowerCase(), "flat");
        // Keyboard users act on the selected row (Enter, Delete, R, the context menu): Tab does not walk
        // through three buttons per row.
        b.setFocusTraversable(false);
        return b;
    }
}
