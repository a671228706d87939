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
    private Consumer<String> browser = ProcessTableView::openInBrowser;

    public ProcessTableView(DashboardViewModel model) {
        this.model = model;
        setId("processTable");
        setRoot(rootItem);
        setShowRoot(false);
        // Every column shares a wider window (the fixed-width ones excepted), rather than the last taking it all.
        setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        setPlaceholder(new Label("No process types"));
        getColumns().addAll(nameColumn(), stateColumn(), scaleColumn(), commandColumn(),
                textColumn("PID", 72, 56, DeckRow::pidProperty), portColumn(),
                textColumn("Uptime", 84, 68, DeckRow::uptimeProperty), restartsColumn(),
                textColumn("Last exit", 110, 68, DeckRow::lastExitProperty),
                usageColumn("CPU", 130, 60, DeckRow::cpuProperty, true),
                usageColumn("Memory", 150, 72, DeckRow::memoryProperty, false),
                actionsColumn());
        for (TreeTableColumn<DeckRow, ?> c : getColumns()) {
            c.setId("col-" + c.getText().toLowerCase().replace(' ', '-'));
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

    /** How a URL is opened ("Open in browser"); the default runs xdg-open off the FX thread. */
    public void setBrowser(Consumer<String> browser) {
        this.browser = browser;
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

    private void rebuild() {
        rootItem.getChildren().clear();
        for (TypeRow type : model.types()) {
            TreeItem<DeckRow> typeItem = new TreeItem<>(type);
            typeItem.setExpanded(true);
            for (InstanceRow i : type.instances()) {
                typeItem.getChildren().add(new TreeItem<>(i));
            }
            type.instances().addListener((ListChangeListener<InstanceRow>) c -> {
                typeItem.getChildren().setAll(type.instances().stream().map(i -> new TreeItem<DeckRow>(i)).toList());
            });
            rootItem.getChildren().add(typeItem);
        }
        // A row whose kind changed (a type a reload scheduled, or no longer) keeps its item and index: its cells
        // are only redrawn when asked.
        refresh();
    }

    // ---- context menu ---------------------------------------------------------------------------------------

    ContextMenu contextMenu(DeckRow row) {
        String name = row.nameProperty().get();
        MenuItem start = Icons.on(menuItem("Start", "ctx-start", () -> model.start(row)), Icons.START);
        MenuItem stop = Icons.on(menuItem("Stop", "ctx-stop", () -> model.stop(row)), Icons.STOP);
        MenuItem restart = Icons.on(menuItem("Restart", "ctx-restart", () -> model.restart(row)), Icons.RESTART);
        start.setAccelerator(null);
        ContextMenu menu = new ContextMenu(start, stop, restart, new SeparatorMenuItem());
        if (row instanceof InstanceRow i) {
            MenuItem copyPid = Icons.on(menuItem("Copy PID", "ctx-copyPid", () -> {
                ClipboardContent c = new ClipboardContent();
                c.putString(Long.toString(i.snapshot().pid()));
                Clipboard.getSystemClipboard().setContent(c);
            }), Icons.COPY);
            MenuItem open = Icons.on(menuItem("Open http://localhost:" + i.snapshot().port() + " in Browser", "ctx-browser",
                    () -> browser.accept("http://localhost:" + i.snapshot().port() + "/")), Icons.BROWSER);
            MenuItem logs = Icons.on(menuItem("Show Only " + name + "'s Logs", "ctx-logs", () -> onShowLogsOf.accept(name)),
                    Icons.LOGS);
            MenuItem env = Icons.on(menuItem("Environment…", "ctx-env", () -> onEnvironment.accept(i)), Icons.ENVIRONMENT);
            menu.getItems().addAll(copyPid, open, logs, new SeparatorMenuItem(), env);
            menu.setOnShowing(e -> {
                copyPid.setDisable(i.snapshot().pid() <= 0);
                // An attached procdeck may run on another machine: its localhost and environment are not here.
                open.setDisable(!i.instanceState().hasProcess() || model.attachedProperty().get());
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

    private static void openInBrowser(String url) {
        Thread t = new Thread(() -> {
            try {
                new ProcessBuilder("xdg-open", url).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (java.io.IOException e) {
                System.getLogger("dev.procdeck.ui").log(System.Logger.Level.WARNING, "cannot open " + url + ": " + e.getMessage());
            }
        }, "procdeck-browser");
        t.setDaemon(true);
        t.start();
    }

    // ---- columns --------------------------------------------------------------------------------------------

    private TreeTableColumn<DeckRow, String> nameColumn() {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>("Process");
        col.setPrefWidth(150);
        col.setMinWidth(110);
        col.setCellValueFactory(c -> c.getValue().getValue().nameProperty());
        col.setCellFactory(c -> new TreeTableCell<>() {
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
                setTooltip(new Tooltip(name));
                getStyleClass().add(row instanceof TypeRow ? "type-name" : "instance-name");
            }
        });
        return col;
    }

    private TreeTableColumn<DeckRow, String> stateColumn() {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>("State");
        col.setPrefWidth(156);
        col.setMinWidth(112);
        col.setCellValueFactory(c -> c.getValue().getValue().stateProperty());
        col.setCellFactory(c -> new TreeTableCell<>() {
            private final Label badge = new Label();

            {
                badge.getStyleClass().add("badge");
                badge.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            }

            @Override
            protected void updateItem(String state, boolean empty) {
                super.updateItem(state, empty);
                DeckRow row = getTableRow() == null ? null : getTableRow().getItem();
                if (empty || row == null) {
                    setGraphic(null);
                    setTooltip(null);
                    return;
                }
                badge.setText(state);
                badge.getStyleClass().removeIf(s -> s.startsWith("badge-"));
                badge.getStyleClass().add("badge-" + row.stateKindProperty().get());
                setGraphic(badge);
                setTooltip(new Tooltip(stateTooltip(row, getTableRow().getTreeItem())));
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
        col.setPrefWidth(200);
        col.setMinWidth(168);
        col.setMaxWidth(320);
        col.setCellValueFactory(c -> c.getValue().getValue() instanceof TypeRow t ? t.scaleProperty() : null);
        col.setCellFactory(c -> new TreeTableCell<>() {
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

            private void unbind() {
                if (bound != null) {
                    bound.scaleProperty().removeListener(scaleListener);
                    bound = null;
                }
            }
        });
        return col;
    }

    private TreeTableColumn<DeckRow, String> commandColumn() {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>("Command");
        col.setPrefWidth(150);
        col.setMinWidth(72);
        col.setCellValueFactory(c -> c.getValue().getValue() instanceof TypeRow t ? t.commandProperty() : null);
        col.setCellFactory(c -> new TreeTableCell<>() {
            {
                getStyleClass().add("mono");
                setTextOverrun(OverrunStyle.CENTER_ELLIPSIS);
            }

            @Override
            protected void updateItem(String command, boolean empty) {
                super.updateItem(command, empty);
                setText(empty ? null : command);
                setTooltip(empty || command == null || command.isEmpty() ? null : new Tooltip(command));
            }
        });
        return col;
    }

    private TreeTableColumn<DeckRow, String> textColumn(String title, double width, double minWidth,
                                                        Function<DeckRow, ObservableValue<String>> value) {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>(title);
        col.setPrefWidth(width);
        col.setMinWidth(minWidth);
        col.setCellValueFactory(c -> value.apply(c.getValue().getValue()));
        if (width < 100) {
            col.setMaxWidth(width * 1.5); // short figures: extra room goes to the columns that can use it
        }
        col.setCellFactory(c -> new TreeTableCell<>() {
            @Override
            protected void updateItem(String text, boolean empty) {
                super.updateItem(text, empty);
                setText(empty ? null : text);
                // The whole text where the column is too narrow for it.
                setTooltip(empty || text == null || text.isEmpty() ? null : new Tooltip(text));
            }
        });
        return col;
    }

    /** Restarts: the count, and on a type's row a strip of its starts and exits of the last minutes. */
    private TreeTableColumn<DeckRow, DeckRow> restartsColumn() {
        TreeTableColumn<DeckRow, DeckRow> col = new TreeTableColumn<>("Restarts");
        col.setPrefWidth(132);
        col.setMinWidth(64);
        col.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyObjectWrapper<>(c.getValue().getValue()));
        col.setCellFactory(c -> new TreeTableCell<>() {
            private final Label count = new Label();
            private final RunTimeline timeline = new RunTimeline(76, 16);
            private final HBox box = new HBox(6, count, timeline);
            private DeckRow bound;
            private final javafx.beans.property.BooleanProperty typeRow = new javafx.beans.property.SimpleBooleanProperty();
            private final javafx.beans.InvalidationListener redraw = o -> draw();

            {
                box.setAlignment(Pos.CENTER_LEFT);
                count.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
                // A type's row only, and only where the column has room for the strip.
                timeline.visibleProperty().bind(typeRow.and(widthProperty().greaterThan(100)));
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

            private void draw() {
                DeckRow row = bound;
                if (row == null) {
                    return;
                }
                count.setText(Integer.toString(row.restartsProperty().get()));
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

    /** CPU or memory: the figure over a sparkline of the instance's last five minutes. */
    private TreeTableColumn<DeckRow, String> usageColumn(String title, double width, double minWidth,
                                                         Function<DeckRow, ObservableValue<String>> value, boolean cpu) {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>(title);
        col.setPrefWidth(width);
        col.setMinWidth(minWidth);
        col.setCellValueFactory(c -> value.apply(c.getValue().getValue()));
        col.setCellFactory(c -> new TreeTableCell<>() {
            private final Label figure = new Label();
            private final Sparkline spark = new Sparkline(60, 18);
            private final HBox stack = new HBox(6, spark, figure);
            private InstanceRow bound;
            private final javafx.beans.InvalidationListener redraw = o -> draw();

            {
                stack.setAlignment(Pos.CENTER_RIGHT);
                figure.getStyleClass().add("usage-figure");
                figure.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
                spark.setStroke(cpu ? Color.web("#3b82f6") : Color.web("#8b5cf6"));
                // The line takes what the figure leaves; hidden when that is too little to read.
                spark.widthProperty().bind(javafx.beans.binding.Bindings.max(0,
                        widthProperty().subtract(figure.widthProperty()).subtract(22)));
                spark.managedProperty().bind(spark.widthProperty().greaterThan(16));
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
                    spark.setVisible(true);
                    spark.setId((cpu ? "cpuSpark-" : "memorySpark-") + i.id().name());
                    setTooltip(new Tooltip((text == null || text.isEmpty() ? "not running" : text)
                            + "\nlast 5 minutes: peak " + peak(i)));
                } else {
                    spark.setVisible(false);
                    setTooltip(text == null || text.isEmpty() ? null : new Tooltip(text));
                }
                draw();
                setGraphic(stack);
            }

            private String peak(InstanceRow i) {
                return cpu ? String.format("%.1f %%", i.cpuHistory.max()) : DeckRow.bytes((long) i.memoryHistory.max());
            }

            private void draw() {
                if (bound != null) {
                    spark.draw(cpu ? bound.cpuHistory : bound.memoryHistory, cpu ? 5 : 1);
                }
            }
        });
        return col;
    }

    /** Ports; an instance of a web-like type links to http://localhost:PORT. */
    private TreeTableColumn<DeckRow, String> portColumn() {
        TreeTableColumn<DeckRow, String> col = textColumn("Port", 100, 56, DeckRow::portsProperty);
        col.setCellFactory(c -> new TreeTableCell<>() {
            private final javafx.scene.control.Hyperlink link = new javafx.scene.control.Hyperlink();

            @Override
            protected void updateItem(String port, boolean empty) {
                super.updateItem(port, empty);
                DeckRow row = getTableRow() == null ? null : getTableRow().getItem();
                java.util.Optional<String> url = !empty && row instanceof InstanceRow i ? i.webAddress() : java.util.Optional.empty();
                if (url.isPresent()) {
                    link.setText(port);
                    link.setId("port-" + row.nameProperty().get());
                    link.setTooltip(new Tooltip("Open " + url.get()));
                    link.setOnAction(e -> UrlOpener.open(url.get()));
                    setText(null);
                    setGraphic(link);
                } else {
                    setGraphic(null);
                    setText(empty ? null : port);
                }
            }
        });
        return col;
    }

    private TreeTableColumn<DeckRow, DeckRow> actionsColumn() {
        TreeTableColumn<DeckRow, DeckRow> col = new TreeTableColumn<>("Actions");
        col.setPrefWidth(100);
        col.setMinWidth(100);
        col.setMaxWidth(100);
        col.setResizable(false);
        col.setSortable(false);
        col.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyObjectWrapper<>(c.getValue().getValue()));
        col.setCellFactory(c -> new TreeTableCell<>() {
            private final Button start = action(Icons.START, "Start");
            private final Button stop = action(Icons.STOP, "Stop");
            private final Button restart = action(Icons.RESTART, "Restart");
            private final HBox box = new HBox(4, start, stop, restart);

            {
                box.setAlignment(Pos.CENTER_LEFT);
                start.setOnAction(e -> model.start(getItem()));
                stop.setOnAction(e -> model.stop(getItem()));
                restart.setOnAction(e -> model.restart(getItem()));
            }

            @Override
            protected void updateItem(DeckRow row, boolean empty) {
                super.updateItem(row, empty);
                if (empty || row == null) {
                    setGraphic(null);
                    return;
                }
                String name = row.nameProperty().get();
                start.setId("start-" + name);
                stop.setId("stop-" + name);
                restart.setId("restart-" + name);
                String what = row instanceof TypeRow ? " every " + name + " instance" : " " + name;
                start.setTooltip(new Tooltip("Start" + what + " (Enter)"));
                stop.setTooltip(new Tooltip("Stop" + what + " (SIGTERM, then SIGKILL) (Delete)"));
                restart.setTooltip(new Tooltip("Restart" + what + " (R)"));
                setGraphic(box);
            }
        });
        return col;
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
