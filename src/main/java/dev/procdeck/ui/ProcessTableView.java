package dev.procdeck.ui;

import dev.procdeck.supervisor.Formation;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.value.ObservableValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableCell;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableRow;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.shape.Rectangle;

/** The process table: one expandable row per type, its instances beneath, with scale and actions. */
public final class ProcessTableView extends TreeTableView<DeckRow> {
    /** The slider's range; the spinner accepts typed values up to {@link Formation#MAX_SCALE}. */
    static final int SLIDER_MAX = 20;

    private final DashboardViewModel model;
    private final TreeItem<DeckRow> rootItem = new TreeItem<>();
    private Consumer<String> onInstanceDoubleClick = name -> { };

    public ProcessTableView(DashboardViewModel model) {
        this.model = model;
        setId("processTable");
        setRoot(rootItem);
        setShowRoot(false);
        setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        setPlaceholder(new Label("No process types"));
        getColumns().addAll(nameColumn(), stateColumn(), scaleColumn(), commandColumn(),
                textColumn("PID", 56, 48, DeckRow::pidProperty), portColumn(),
                textColumn("Uptime", 64, 48, DeckRow::uptimeProperty),
                textColumn("Restarts", 64, 40, r -> r.restartsProperty().asString()),
                textColumn("Last exit", 110, 40, DeckRow::lastExitProperty),
                textColumn("CPU", 60, 56, DeckRow::cpuProperty), textColumn("Memory", 84, 78, DeckRow::memoryProperty),
                actionsColumn());
        model.types().addListener((ListChangeListener<TypeRow>) c -> rebuild());
        rebuild();
        setRowFactory(t -> {
            TreeTableRow<DeckRow> row = new TreeTableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && row.getItem() instanceof InstanceRow i) {
                    onInstanceDoubleClick.accept(i.id().name());
                }
            });
            return row;
        });
    }

    public void setOnInstanceDoubleClick(Consumer<String> handler) {
        this.onInstanceDoubleClick = handler;
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
    }

    private TreeTableColumn<DeckRow, String> nameColumn() {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>("Process");
        col.setPrefWidth(140);
        col.setMinWidth(112);
        col.setCellValueFactory(c -> c.getValue().getValue().nameProperty());
        col.setCellFactory(c -> new TreeTableCell<>() {
            @Override
            protected void updateItem(String name, boolean empty) {
                super.updateItem(name, empty);
                DeckRow row = getTableRow() == null ? null : getTableRow().getItem();
                if (empty || row == null) {
                    setText(null);
                    setGraphic(null);
                    return;
                }
                Rectangle swatch = new Rectangle(10, 10, Palette.typeColour(row.colourIndex()));
                swatch.setArcWidth(3);
                swatch.setArcHeight(3);
                setGraphic(swatch);
                setText(name);
                getStyleClass().removeAll("type-name", "instance-name");
                getStyleClass().add(row instanceof TypeRow ? "type-name" : "instance-name");
            }
        });
        return col;
    }

    private TreeTableColumn<DeckRow, String> stateColumn() {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>("State");
        col.setPrefWidth(200);
        col.setMinWidth(100);
        col.setCellValueFactory(c -> c.getValue().getValue().stateProperty());
        col.setCellFactory(c -> new TreeTableCell<>() {
            private final Label badge = new Label();

            {
                badge.getStyleClass().add("badge");
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
                setTooltip(new Tooltip(row.detailProperty().get()));
            }
        });
        return col;
    }

    private TreeTableColumn<DeckRow, Number> scaleColumn() {
        TreeTableColumn<DeckRow, Number> col = new TreeTableColumn<>("Scale");
        col.setPrefWidth(200);
        col.setMinWidth(150);
        col.setCellValueFactory(c -> c.getValue().getValue() instanceof TypeRow t ? t.scaleProperty() : null);
        col.setCellFactory(c -> new TreeTableCell<>() {
            private TypeRow bound;
            // Held here: a bidirectional binding keeps only weak references to its ends.
            private javafx.beans.property.ObjectProperty<Integer> scaleAsObject;
            private final Spinner<Integer> spinner = new Spinner<>();
            private final Slider slider = new Slider(0, SLIDER_MAX, 0);
            private final HBox box = new HBox(6, spinner, slider);

            {
                spinner.setEditable(true);
                spinner.setPrefWidth(68);
                spinner.setMinWidth(68);
                slider.setMajorTickUnit(5);
                slider.setMinorTickCount(4);
                slider.setSnapToTicks(true);
                slider.setBlockIncrement(1);
                slider.setMinWidth(50);
                HBox.setHgrow(slider, javafx.scene.layout.Priority.ALWAYS);
                box.setAlignment(Pos.CENTER_LEFT);
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
                if (bound != type) {
                    unbind();
                    bound = type;
                    SpinnerValueFactory.IntegerSpinnerValueFactory factory =
                            new SpinnerValueFactory.IntegerSpinnerValueFactory(0, Formation.MAX_SCALE, type.scaleProperty().get());
                    spinner.setValueFactory(factory);
                    scaleAsObject = type.scaleProperty().asObject();
                    factory.valueProperty().bindBidirectional(scaleAsObject);
                    slider.setValue(type.scaleProperty().get());
                    slider.valueProperty().addListener(sliderListener);
                    type.scaleProperty().addListener(scaleListener);
                    spinner.setId("scale-" + type.typeName());
                    slider.setId("slider-" + type.typeName());
                }
                setGraphic(box);
            }

            private final javafx.beans.value.ChangeListener<Number> sliderListener = (o, a, b) -> {
                if (bound != null && !slider.isValueChanging()) {
                    bound.scaleProperty().set((int) Math.round(b.doubleValue()));
                }
            };
            private final javafx.beans.value.ChangeListener<Number> scaleListener = (o, a, b) -> {
                if (b.intValue() <= SLIDER_MAX) {
                    slider.setValue(b.intValue());
                } else {
                    slider.setValue(SLIDER_MAX);
                }
            };

            {
                slider.valueChangingProperty().addListener((o, was, now) -> {
                    if (!now && bound != null) {
                        bound.scaleProperty().set((int) Math.round(slider.getValue()));
                    }
                });
            }

            private void unbind() {
                if (bound != null) {
                    slider.valueProperty().removeListener(sliderListener);
                    bound.scaleProperty().removeListener(scaleListener);
                    if (spinner.getValueFactory() != null && scaleAsObject != null) {
                        spinner.getValueFactory().valueProperty().unbindBidirectional(scaleAsObject);
                    }
                    scaleAsObject = null;
                    spinner.setValueFactory(null);
                    bound = null;
                }
            }
        });
        return col;
    }

    private TreeTableColumn<DeckRow, String> commandColumn() {
        TreeTableColumn<DeckRow, String> col = new TreeTableColumn<>("Command");
        col.setPrefWidth(150);
        col.setMinWidth(70);
        col.setCellValueFactory(c -> c.getValue().getValue() instanceof TypeRow t ? t.commandProperty() : null);
        col.setCellFactory(c -> new TreeTableCell<>() {
            @Override
            protected void updateItem(String command, boolean empty) {
                super.updateItem(command, empty);
                setText(empty ? null : command);
                setTextOverrun(OverrunStyle.CENTER_ELLIPSIS);
                setTooltip(empty || command == null ? null : new Tooltip(command));
                getStyleClass().add("mono");
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
        col.setPrefWidth(120);
        col.setMinWidth(110);
        col.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyObjectWrapper<>(c.getValue().getValue()));
        col.setCellFactory(c -> new TreeTableCell<>() {
            private final Button start = action("▶", "Start");
            private final Button stop = action("■", "Stop");
            private final Button restart = action("⟳", "Restart");
            private final HBox box = new HBox(4, start, stop, restart);

            {
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
                start.setTooltip(new Tooltip("Start" + what));
                stop.setTooltip(new Tooltip("Stop" + what + " (SIGTERM, then SIGKILL)"));
                restart.setTooltip(new Tooltip("Restart" + what));
                setGraphic(box);
            }
        });
        return col;
    }

    private static Button action(String glyph, String name) {
        Button b = new Button(glyph);
        b.getStyleClass().addAll("row-action", "row-action-" + name.toLowerCase());
        b.setAccessibleText(name);
        return b;
    }
}
