package dev.procdeck.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Separator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.Window;
import org.controlsfx.control.Notifications;

/** The main window's content: menus, toolbar, the process table above the console, and a status bar. */
public final class DashboardView extends BorderPane {
    /** Every shortcut, listed once: menus use them and Help shows them. */
    static final List<String[]> SHORTCUTS = List.of(
            new String[] {"Shortcut+O", "Open a project folder"},
            new String[] {"Shortcut+R", "Reload the Procfile and .env"},
            new String[] {"F5", "Start all"},
            new String[] {"Shift+F5", "Stop all"},
            new String[] {"Shortcut+Shift+R", "Restart all"},
            new String[] {"Shortcut+F", "Find / filter the console"},
            new String[] {"Shortcut+L", "Clear the console"},
            new String[] {"Shortcut+S", "Save the whole log"},
            new String[] {"Shortcut+End", "Jump to the latest line"},
            new String[] {"Shortcut+Q", "Quit (stops every process first)"},
            new String[] {"F1", "This list"});

    private final DashboardViewModel model;
    private final ConsoleView console;
    private final ProcessTableView table;
    private final StackPane overlay = new StackPane();
    private final Label overlayText = new Label();
    private final Menu recentMenu = new Menu("Open Recent");
    private final java.util.Map<String, Integer> typeIndex = new java.util.HashMap<>();
    private Runnable onQuit = () -> { };

    public DashboardView(DashboardViewModel model) {
        this.model = model;
        getStyleClass().add("dashboard");
        this.console = new ConsoleView(model.console(), typeIndex);
        this.table = new ProcessTableView(model);
        model.setOnTypesChanged(index -> {
            typeIndex.clear();
            typeIndex.putAll(index);
        });
        table.setOnInstanceDoubleClick(name -> model.console().solo(name));
        Label placeholder = new Label();
        placeholder.setId("tablePlaceholder");
        placeholder.setWrapText(true);
        placeholder.textProperty().bind(model.placeholderProperty());
        table.setPlaceholder(placeholder);
        console.setProjectRoot(model.projectRootProperty()::get);
        // A crash notice leaves the screen when its crash is over (the instance is up again, or Stop all).
        model.crashNotices().addListener((ListChangeListener<DashboardViewModel.CrashNotice>) c -> {
            while (c.next()) {
                c.getRemoved().forEach(this::hideCrashNotice);
            }
        });

        setTop(new VBox(menuBar(), toolBar()));
        VBox upper = new VBox(problemBanner(), table);
        VBox.setVgrow(table, Priority.ALWAYS);
        SplitPane split = new SplitPane(upper, console);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.38);
        overlay.getStyleClass().add("closing-overlay");
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setMaxSize(48, 48);
        VBox box = new VBox(12, spinner, overlayText);
        box.setAlignment(Pos.CENTER);
        overlay.getChildren().add(box);
        overlay.setVisible(false);
        setCenter(new StackPane(split, overlay));
        setBottom(statusBar());
        model.setOnCrash(this::notifyCrash);
        setUpDragAndDrop();
    }

    public ConsoleView console() {
        return console;
    }

    public ProcessTableView table() {
        return table;
    }

    /** What Quit does (the application closes the window through the same graceful path). */
    public void setOnQuit(Runnable onQuit) {
        this.onQuit = onQuit;
    }

    /** Shows the "stopping N processes" overlay while the window closes. */
    public void showClosing() {
        overlayText.textProperty().bind(Bindings.createStringBinding(() -> model.runningProperty().get() == 0
                ? "Closing…" : "Stopping " + model.runningProperty().get() + " processes (SIGTERM, then SIGKILL after 5 s)…",
                model.runningProperty()));
        overlay.setVisible(true);
    }

    private MenuBar menuBar() {
        MenuItem open = item("Open Folder…", "Shortcut+O", this::chooseFolder);
        MenuItem reload = item("Reload Procfile", "Shortcut+R", model::reload);
        MenuItem save = item("Save Log…", "Shortcut+S", () -> console.saveLog(false));
        MenuItem quit = item("Quit", "Shortcut+Q", () -> onQuit.run());
        model.recentProjects().addListener((ListChangeListener<Path>) c -> fillRecent());
        fillRecent();
        Menu file = new Menu("File", null, open, recentMenu, reload, new SeparatorMenuItem(), save,
                new SeparatorMenuItem(), quit);

        CheckMenuItem startOnOpen = new CheckMenuItem("Start When Opened");
        startOnOpen.selectedProperty().bindBidirectional(model.startOnOpenProperty());
        Menu processes = new Menu("Processes", null,
                item("Start All", "F5", model::startAll),
                item("Stop All", "Shift+F5", model::stopAll),
                item("Restart All", "Shortcut+Shift+R", model::restartAll),
                new SeparatorMenuItem(), startOnOpen);

        CheckMenuItem timestamps = new CheckMenuItem("Timestamps");
        timestamps.selectedProperty().bindBidirectional(model.console().timestampsProperty());
        CheckMenuItem notifications = new CheckMenuItem("Crash Notifications");
        notifications.selectedProperty().bindBidirectional(model.crashNotificationsProperty());
        Menu view = new Menu("View", null,
                item("Find", "Shortcut+F", console::focusSearch),
                item("Clear Console", "Shortcut+L", model.console()::clear),
                item("Jump to Latest", "Shortcut+End", console::jumpToLatest),
                new SeparatorMenuItem(), timestamps, notifications);

        Menu help = new Menu("Help", null, item("Keyboard Shortcuts", "F1", this::showShortcuts),
                item("About Procdeck", null, this::showAbout));
        MenuBar bar = new MenuBar(file, processes, view, help);
        bar.setId("menuBar");
        return bar;
    }

    private void fillRecent() {
        recentMenu.getItems().clear();
        for (Path p : model.recentProjects()) {
            MenuItem mi = new MenuItem(p.toString());
            mi.setMnemonicParsing(false);
            mi.setOnAction(e -> model.openProject(p));
            recentMenu.getItems().add(mi);
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem mi = new MenuItem(text);
        if (accelerator != null) {
            mi.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        mi.setOnAction(e -> action.run());
        return mi;
    }

    private ToolBar toolBar() {
        Button open = toolButton("Open…", "openButton", "Open a project folder (Ctrl+O)", this::chooseFolder);
        Button reload = toolButton("Reload", "reloadButton", "Re-read the Procfile and .env (Ctrl+R)", model::reload);
        Button startAll = toolButton("▶ Start all", "startAll", "Start every instance (F5)", model::startAll);
        Button stopAll = toolButton("■ Stop all", "stopAll", "Stop every instance gracefully (Shift+F5)", model::stopAll);
        Button restartAll = toolButton("⟳ Restart all", "restartAll", "Restart every instance (Ctrl+Shift+R)", model::restartAll);
        startAll.getStyleClass().add("accent");
        for (Button b : List.of(startAll, stopAll, restartAll, reload)) {
            b.disableProperty().bind(model.loadedProperty().not());
        }
        CheckBox startOnOpen = new CheckBox("Start when opened");
        startOnOpen.selectedProperty().bindBidirectional(model.startOnOpenProperty());
        startOnOpen.setTooltip(new Tooltip("Remembered per project; off by default, since a folder can come from anywhere"));
        Label formation = new Label();
        formation.getStyleClass().add("formation");
        formation.textProperty().bind(Bindings.createStringBinding(() -> model.formationProperty().get().isEmpty()
                ? "" : "formation " + model.formationProperty().get().replace(",", " "), model.formationProperty()));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        return new ToolBar(open, reload, new Separator(), startAll, stopAll, restartAll, new Separator(), formation,
                spacer, startOnOpen);
    }

    private static Button toolButton(String text, String id, String tip, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        return b;
    }

    private VBox problemBanner() {
        Label heading = new Label();
        heading.getStyleClass().add("problem-heading");
        Label text = new Label();
        text.setId("problems");
        text.getStyleClass().add("problem-text");
        text.setWrapText(true);
        text.setMinHeight(Region.USE_PREF_SIZE);
        text.textProperty().bind(model.problemsProperty());
        Button reload = new Button("Reload");
        reload.setId("problemReload");
        reload.setOnAction(e -> model.reload());
        Button open = new Button("Open another folder…");
        open.setOnAction(e -> chooseFolder());
        HBox actions = new HBox(8, reload, open);
        VBox banner = new VBox(6, heading, text, actions);
        banner.setPadding(new Insets(10, 12, 10, 12));
        banner.getStyleClass().add("problem-banner");
        banner.visibleProperty().bind(model.problemsProperty().isNotEmpty());
        banner.managedProperty().bind(banner.visibleProperty());
        Runnable restyle = () -> {
            boolean broken = model.problemsProperty().get().contains(": error: ");
            boolean fatal = !model.loadedProperty().get() || broken;
            heading.setText(!model.loadedProperty().get() ? "The project cannot be loaded"
                    : broken ? "The edited project files have errors: fix them, then Reload (what runs keeps running)"
                    : "Warnings in the project files");
            banner.getStyleClass().removeAll("error", "warning");
            banner.getStyleClass().add(fatal ? "error" : "warning");
        };
        model.problemsProperty().addListener((o, a, b) -> restyle.run());
        model.loadedProperty().addListener((o, a, b) -> restyle.run());
        restyle.run();
        return banner;
    }

    private HBox statusBar() {
        Label project = new Label();
        project.textProperty().bind(Bindings.createStringBinding(() -> model.projectRootProperty().get() == null
                ? "No project" : model.projectRootProperty().get().toString(), model.projectRootProperty()));
        Label running = new Label();
        running.setId("runningCount");
        running.textProperty().bind(model.runningProperty().asString("%d running"));
        Label lines = new Label();
        lines.setId("lineCount");
        var console = model.console();
        lines.textProperty().bind(Bindings.createStringBinding(() -> String.format("%,d lines", console.receivedProperty().get())
                        + (console.droppedProperty().get() > 0 ? String.format(", %,d oldest dropped from memory"
                        + " (keeps %,d, shows the newest %,d; all are in the session log)", console.droppedProperty().get(),
                        console.capacity(), console.shownCapacity()) : ""),
                console.receivedProperty(), console.droppedProperty()));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(16, running, lines, spacer, project);
        bar.setPadding(new Insets(3, 8, 3, 8));
        bar.getStyleClass().add("status-bar");
        return bar;
    }

    private void chooseFolder() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open a project folder (with a Procfile)");
        Path current = model.projectRootProperty().get();
        if (current != null && current.getParent() != null && current.getParent().toFile().isDirectory()) {
            chooser.setInitialDirectory(current.getParent().toFile());
        }
        File dir = chooser.showDialog(window());
        if (dir != null) {
            model.openProject(dir.toPath());
        }
    }

    private void setUpDragAndDrop() {
        setOnDragOver(e -> {
            if (e.getDragboard().hasFiles() && e.getDragboard().getFiles().size() == 1) {
                e.acceptTransferModes(TransferMode.COPY_OR_MOVE);
            }
            e.consume();
        });
        setOnDragDropped(e -> {
            boolean ok = false;
            if (e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty()) {
                model.openProject(e.getDragboard().getFiles().get(0).toPath());
                ok = true;
            }
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    private void notifyCrash(DashboardViewModel.CrashNotice notice) {
        Window w = window();
        if (w == null || !w.isShowing()) {
            return;
        }
        Notifications.create().owner(w).title(notice.instance() + " crashed")
                .text(notice.message() + "\n(turn these off in View › Crash Notifications)")
                .styleClass(CRASH_NOTICE).position(Pos.BOTTOM_RIGHT).hideAfter(javafx.util.Duration.seconds(6))
                .showWarning();
    }

    private static final String CRASH_NOTICE = "crash-notice";

    /** Hides the popups that tell of this crash (ControlsFX keeps no handle on them; they are found by title). */
    private void hideCrashNotice(DashboardViewModel.CrashNotice notice) {
        Window w = window();
        String title = notice.instance() + " crashed";
        for (Window popup : List.copyOf(Window.getWindows())) {
            if (popup instanceof javafx.stage.PopupWindow p && p.getOwnerWindow() == w && p.getScene() != null
                    && p.getScene().getRoot().lookupAll("." + CRASH_NOTICE).stream().findAny().isPresent()
                    && p.getScene().getRoot().lookupAll(".label").stream()
                    .anyMatch(n -> n instanceof Label l && title.equals(l.getText()))) {
                p.hide();
            }
        }
    }

    /** Crash notices on screen now (tests). */
    long crashNoticesShown() {
        Window w = window();
        return Window.getWindows().stream().filter(x -> x instanceof javafx.stage.PopupWindow p
                && p.getOwnerWindow() == w && p.isShowing() && p.getScene() != null
                && !p.getScene().getRoot().lookupAll("." + CRASH_NOTICE).isEmpty()).count();
    }

    private void showShortcuts() {
        GridPane grid = new GridPane();
        grid.setHgap(24);
        grid.setVgap(6);
        int row = 0;
        for (String[] s : SHORTCUTS) {
            Label key = new Label(KeyCombination.keyCombination(s[0]).getDisplayText());
            key.getStyleClass().add("shortcut-key");
            grid.addRow(row++, key, new Label(s[1]));
        }
        grid.addRow(row, new Label("Double-click an instance"), new Label("Show only its lines in the console"));
        Alert alert = new Alert(Alert.AlertType.INFORMATION, "", ButtonType.CLOSE);
        alert.initOwner(window());
        alert.setTitle("Keyboard shortcuts");
        alert.setHeaderText("Keyboard shortcuts");
        alert.getDialogPane().setContent(grid);
        alert.show();
    }

    private void showAbout() {
        Alert alert = new Alert(Alert.AlertType.INFORMATION, "Procdeck 0.1.0 — a dashboard for Procfile apps.\n"
                + "Runs every process type of a project, restarts crashes with back-off, stops process groups"
                + " gracefully and shows their logs side by side.", ButtonType.CLOSE);
        alert.initOwner(window());
        alert.setTitle("About Procdeck");
        alert.setHeaderText("Procdeck");
        alert.show();
    }

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    Map<String, Integer> typeIndex() {
        return typeIndex;
    }
}
