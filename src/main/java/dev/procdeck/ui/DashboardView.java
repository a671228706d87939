package dev.procdeck.ui;

import dev.procdeck.runtime.RunningApp.Capability;
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

/** The main window's content: menus, toolbar, the process table above the console, and a status bar. */
public final class DashboardView extends BorderPane {
    /** Every shortcut, listed once: menus use them and Help shows them. */
    static final List<String[]> SHORTCUTS = List.of(
            new String[] {"Shortcut+O", "Open a project folder"},
            new String[] {"Shortcut+Shift+A", "Attach to a running procdeck"},
            new String[] {"Shortcut+R", "Reload the Procfile and .env"},
            new String[] {"F5", "Start all"},
            new String[] {"Shift+F5", "Stop all"},
            new String[] {"Shortcut+Shift+R", "Restart all"},
            new String[] {"Shortcut+Shift+X", "Run a process type or command once"},
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
    private final Button killNow = new Button("Kill now");
    private final SplitPane split = new SplitPane();
    private final CrashToasts toasts = new CrashToasts();
    private final javafx.beans.property.ObjectProperty<Theme> theme =
            new javafx.beans.property.SimpleObjectProperty<>(this, "theme", Theme.SYSTEM);
    private javafx.animation.Timeline countdown;
    private final Menu recentMenu = new Menu("Open Recent");
    /** Concurrent: the console's filter worker reads it while rendering. */
    private final java.util.Map<String, Integer> typeIndex = new java.util.concurrent.ConcurrentHashMap<>();
    private Runnable onQuit = () -> { };
    private final javafx.beans.property.BooleanProperty askBeforeStopping =
            new javafx.beans.property.SimpleBooleanProperty(this, "askBeforeStopping", true);

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
        table.setOnShowLogsOf(name -> model.console().solo(name));
        table.setOnEnvironment(row -> new EnvironmentDialog(window(), row.id().name(), model.environmentOf(row)).show());
        Label placeholder = new Label();
        placeholder.setId("tablePlaceholder");
        placeholder.setWrapText(true);
        placeholder.textProperty().bind(model.placeholderProperty());
        table.setPlaceholder(placeholder);
        console.setProjectRoot(model.projectRootProperty()::get);
        // A crash notice leaves the screen when its crash is over (the instance is up again, or Stop all).
        model.crashNotices().addListener((ListChangeListener<DashboardViewModel.CrashNotice>) c -> {
            while (c.next()) {
                c.getRemoved().forEach(toasts::withdraw);
            }
        });

        setTop(new VBox(menuBar(), toolBar()));
        VBox upper = new VBox(problemBanner(), table);
        VBox.setVgrow(table, Priority.ALWAYS);
        // A tty instance's input bar sits under the console while that instance is selected.
        TerminalDock terminalDock = new TerminalDock(model, table, console.area());
        VBox lower = new VBox(console, terminalDock);
        VBox.setVgrow(console, Priority.ALWAYS);
        split.getItems().setAll(upper, lower);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.5);
        SplitPane.setResizableWithParent(lower, true);
        overlay.getStyleClass().add("closing-overlay");
        overlay.setId("closingOverlay");
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setMaxSize(48, 48);
        overlayText.setId("closingText");
        Icons.on(killNow, Icons.KILL);
        killNow.setId("killNow");
        killNow.getStyleClass().add("danger");
        killNow.setTooltip(new Tooltip("Send SIGKILL to every process now instead of waiting"));
        killNow.setOnAction(e -> model.killAll());
        VBox box = new VBox(14, spinner, overlayText, killNow);
        box.setAlignment(Pos.CENTER);
        overlay.getChildren().add(box);
        overlay.setVisible(false);
        StackPane center = new StackPane(split, toasts, overlay);
        StackPane.setAlignment(toasts, Pos.BOTTOM_RIGHT);
        StackPane.setMargin(toasts, new Insets(0, 18, 18, 0));
        setCenter(center);
        sceneProperty().addListener((o, a, scene) -> {
            if (scene != null) {
                scene.windowProperty().addListener((o2, a2, w) -> {
                    if (w != null) {
                        w.focusedProperty().addListener((o3, was, focused) -> {
                            if (focused) {
                                toasts.seen();
                            }
                        });
                    }
                });
            }
        });
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

    /**
     * Shows the closing overlay: how many processes are still stopping, the countdown to SIGKILL, and "Kill
     * now" for a user who does not want to wait.
     */
    public void showClosing() {
        long started = System.nanoTime();
        long timeoutMillis = model.stopTimeout().toMillis();
        Runnable update = () -> overlayText.setText(closingText(model.runningProperty().get(),
                timeoutMillis - (System.nanoTime() - started) / 1_000_000));
        update.run();
        if (countdown != null) {
            countdown.stop();
        }
        countdown = new javafx.animation.Timeline(new javafx.animation.KeyFrame(javafx.util.Duration.millis(250),
                e -> update.run()));
        countdown.setCycleCount(javafx.animation.Animation.INDEFINITE);
        countdown.play();
        model.runningProperty().addListener((o, a, b) -> update.run());
        killNow.visibleProperty().bind(model.runningProperty().greaterThan(0));
        overlay.setVisible(true);
        killNow.requestFocus();
    }

    /** "Stopping 1 process — SIGKILL in 4 s", then "— SIGKILL sent", or "Closing…" once none runs. */
    static String closingText(int running, long millisToKill) {
        if (running == 0) {
            return "Closing…";
        }
        String what = "Stopping " + processes(running);
        if (millisToKill > 0) {
            return what + " — SIGTERM sent, SIGKILL in " + (millisToKill + 999) / 1000 + " s";
        }
        return what + " — SIGKILL sent";
    }

    /** "1 process", "2 processes". */
    static String processes(int n) {
        return n + (n == 1 ? " process" : " processes");
    }

    /** The title's prefix while crashes went unseen ("(2 crashed) "), else empty. */
    public javafx.beans.binding.StringBinding titleBadge() {
        return Bindings.createStringBinding(() -> toasts.unseenProperty().get() == 0 ? ""
                : "(" + toasts.unseenProperty().get() + " crashed) ", toasts.unseenProperty());
    }

    /** The theme chosen in View › Theme. */
    /** Whether quitting while processes run asks first (View menu; the app remembers it). */
    public javafx.beans.property.BooleanProperty askBeforeStoppingProperty() {
        return askBeforeStopping;
    }

    public javafx.beans.property.ObjectProperty<Theme> themeProperty() {
        return theme;
    }

    /** The table/console divider, 0 to 1. */
    public double dividerPosition() {
        return split.getDividerPositions()[0];
    }

    public void setDividerPosition(double position) {
        if (position > 0.1 && position < 0.9) {
            split.setDividerPositions(position);
        }
    }

    /** The table's column widths, {@code Process=140;State=170;...}. */
    public String columnWidths() {
        StringBuilder b = new StringBuilder();
        for (var c : table.getColumns()) {
            b.append(b.length() == 0 ? "" : ";").append(c.getText()).append('=').append(Math.round(c.getWidth()));
        }
        return b.toString();
    }

    /** Restores widths saved by {@link #columnWidths()}; unknown names and bad numbers are skipped. */
    public void restoreColumnWidths(String saved) {
        for (String part : saved.split(";")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = part.substring(0, eq);
            try {
                double w = Double.parseDouble(part.substring(eq + 1));
                table.getColumns().stream().filter(c -> c.getText().equals(name)).findFirst()
                        .ifPresent(c -> table.restoreWidth(c, Math.min(w, 2000)));
            } catch (NumberFormatException e) {
                // an older or hand-edited preference
            }
        }
    }

    CrashToasts toasts() {
        return toasts;
    }

    private MenuBar menuBar() {
        MenuItem open = Icons.on(item("_Open Folder…", "Shortcut+O", this::chooseFolder), Icons.OPEN);
        MenuItem reload = Icons.on(item("_Reload Procfile", "Shortcut+R", model::reload), Icons.RELOAD);
        MenuItem save = Icons.on(item("_Save Log…", "Shortcut+S", () -> console.saveLog(false)), Icons.SAVE);
        MenuItem quit = item("_Quit", "Shortcut+Q", () -> onQuit.run());
        model.recentProjects().addListener((ListChangeListener<Path>) c -> fillRecent());
        fillRecent();
        recentMenu.setText("Open Rece_nt");
        MenuItem export = item("_Export…", null, () -> model.projectExport()
                .ifPresent(e -> ExportDialog.show(getScene().getWindow(), e)));
        export.setId("exportMenuItem");
        export.disableProperty().bind(model.loadedProperty().not().or(model.can(Capability.PROJECT_FILES).not()));
        reload.disableProperty().bind(model.projectRootProperty().isNull()); // a folder that failed can be fixed
        MenuItem attach = Icons.on(item("_Attach…", "Shortcut+Shift+A", this::showAttachDialog), Icons.ATTACH);
        attach.setId("attachMenuItem");
        Menu file = new Menu("_File", null, open, recentMenu, attach, reload, new SeparatorMenuItem(), save, export,
                new SeparatorMenuItem(), quit);

        CheckMenuItem startOnOpen = new CheckMenuItem("Start _When Opened");
        startOnOpen.selectedProperty().bindBidirectional(model.startOnOpenProperty());
        startOnOpen.disableProperty().bind(model.projectRootProperty().isNull());
        Menu processes = new Menu("_Processes", null,
                Icons.on(item("_Start All", "F5", model::startAll), Icons.START),
                Icons.on(item("S_top All", "Shift+F5", model::stopAll), Icons.STOP),
                Icons.on(item("_Restart All", "Shortcut+Shift+R", model::restartAll), Icons.RESTART),
                new SeparatorMenuItem(), runItem(), new SeparatorMenuItem(), startOnOpen);

        CheckMenuItem timestamps = new CheckMenuItem("_Timestamps");
        timestamps.selectedProperty().bindBidirectional(model.console().timestampsProperty());
        CheckMenuItem notifications = new CheckMenuItem("Crash _Notifications");
        notifications.selectedProperty().bindBidirectional(model.crashNotificationsProperty());
        CheckMenuItem askOnQuit = new CheckMenuItem("_Ask Before Stopping Processes on Quit");
        askOnQuit.setId("askBeforeStopping");
        askOnQuit.selectedProperty().bindBidirectional(askBeforeStopping);
        Menu themeMenu = new Menu("T_heme");
        themeMenu.setId("themeMenu");
        javafx.scene.control.ToggleGroup themes = new javafx.scene.control.ToggleGroup();
        for (Theme t : Theme.values()) {
            javafx.scene.control.RadioMenuItem mi = new javafx.scene.control.RadioMenuItem(
                    t == Theme.SYSTEM ? "System (follows the desktop)" : t.label());
            mi.setId("theme-" + t.name().toLowerCase(java.util.Locale.ROOT));
            mi.setToggleGroup(themes);
            mi.setSelected(theme.get() == t);
            mi.setOnAction(e -> theme.set(t));
            theme.addListener((o, a, now) -> mi.setSelected(now == t));
            themeMenu.getItems().add(mi);
        }
        Menu view = new Menu("_View", null,
                item("_Find", "Shortcut+F", console::focusSearch),
                Icons.on(item("_Clear Console", "Shortcut+L", model.console()::clear), Icons.CLEAR),
                item("_Jump to Latest", "Shortcut+End", console::jumpToLatest),
                new SeparatorMenuItem(), timestamps, notifications, askOnQuit, new SeparatorMenuItem(), themeMenu);

        Menu help = new Menu("_Help", null, item("_Keyboard Shortcuts", "F1", this::showShortcuts),
                item("_About Procdeck", null, this::showAbout));
        MenuBar bar = new MenuBar(file, processes, view, help);
        bar.setId("menuBar");
        return bar;
    }

    private void fillRecent() {
        recentMenu.getItems().clear();
        for (Path p : model.recentProjects()) {
            MenuItem mi = new MenuItem(p.toString());
            mi.setMnemonicParsing(false);
            mi.setOnAction(e -> {
                if (mayLeaveRunningProject("open " + p.getFileName(), "Stop and Open")) {
                    model.openProject(p);
                }
            });
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

    private HBox toolBar() {
        Button open = Icons.on(toolButton("Open…", "openButton", "Open a project folder (Ctrl+O)", this::chooseFolder),
                Icons.OPEN);
        Button reload = Icons.on(toolButton("Reload", "reloadButton", "Re-read the Procfile and .env (Ctrl+R)",
                model::reload), Icons.RELOAD);
        Button startAll = Icons.on(toolButton("Start all", "startAll", "Start every instance (F5)", model::startAll),
                Icons.START);
        Button stopAll = Icons.on(toolButton("Stop all", "stopAll", "Stop every instance gracefully (Shift+F5)",
                model::stopAll), Icons.STOP);
        Button restartAll = Icons.on(toolButton("Restart all", "restartAll", "Restart every instance (Ctrl+Shift+R)",
                model::restartAll), Icons.RESTART);
        startAll.getStyleClass().addAll("accent", "success");
        for (Button b : List.of(startAll, stopAll, restartAll, reload)) {
            b.disableProperty().bind(b == startAll || b == restartAll || b == stopAll
                    ? model.loadedProperty().not().or(model.can(Capability.DRIVE).not()) // another procdeck runs it
                    : b == reload ? model.loadedProperty().not().or(model.can(Capability.PROJECT_FILES).not())
                    : model.loadedProperty().not());
        }
        CheckBox startOnOpen = new CheckBox("Start when opened");
        startOnOpen.selectedProperty().bindBidirectional(model.startOnOpenProperty());
        startOnOpen.disableProperty().bind(model.projectRootProperty().isNull());
        startOnOpen.setTooltip(new Tooltip("Remembered per project; off by default, since a folder can come from anywhere"));
        Label projectTitle = new Label("No project");
        projectTitle.setId("projectTitle");
        projectTitle.getStyleClass().add("project-title");
        projectTitle.textProperty().bind(model.projectNameProperty());
        Label formation = new Label();
        formation.setId("formation");
        formation.getStyleClass().add("formation");
        formation.textProperty().bind(Bindings.createStringBinding(() -> model.formationProperty().get().isEmpty()
                ? "no formation" : model.formationProperty().get().replace(",", "  "), model.formationProperty()));
        formation.tooltipProperty().bind(Bindings.createObjectBinding(() -> new Tooltip("Formation (instances per type): "
                + model.formationProperty().get()), model.formationProperty()));
        VBox heading = new VBox(0, projectTitle, formation);
        heading.setAlignment(Pos.CENTER_LEFT);
        heading.getStyleClass().add("project-heading");
        // The heading takes what the buttons leave, so they never move when the formation changes length; a
        // long formation wraps onto more lines rather than being cut.
        formation.setWrapText(true);
        formation.setMinHeight(Region.USE_PREF_SIZE);
        formation.setMinWidth(0); // (a wrapping label would otherwise ask for the width of its text at one height)
        // A name too long even for the narrowest window gives way (with its whole name in a tooltip) before a button.
        projectTitle.setMinWidth(0);
        projectTitle.tooltipProperty().bind(Bindings.createObjectBinding(() -> new Tooltip(model.projectNameProperty().get()),
                model.projectNameProperty()));
        heading.setMinWidth(120);
        heading.setPrefWidth(120);
        heading.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(heading, Priority.ALWAYS);
        for (javafx.scene.control.Control c : List.of(open, reload, startAll, stopAll, restartAll, startOnOpen)) {
            c.setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox bar = new HBox(6, heading, new Separator(Orientation.VERTICAL), startAll, stopAll, restartAll,
                new Separator(Orientation.VERTICAL), open, reload, startOnOpen);
        // On a narrow window the tick box gives way to the buttons; Processes › Start When Opened stays.
        startOnOpen.managedProperty().bind(startOnOpen.visibleProperty());
        startOnOpen.visibleProperty().bind(bar.widthProperty().greaterThan(1100));
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("main-toolbar");
        bar.setId("toolbar");
        return bar;
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
        Button attach = new Button("Attach");
        attach.setId("problemAttach");
        attach.getStyleClass().add("accent");
        attach.setTooltip(new Tooltip("Drive the procdeck that runs this project from this window"));
        attach.setOnAction(e -> {
            Path socket = model.attachOfferProperty().get();
            if (socket != null) {
                attachTo(socket);
            }
        });
        attach.visibleProperty().bind(model.attachOfferProperty().isNotNull());
        attach.managedProperty().bind(attach.visibleProperty());
        reload.visibleProperty().bind(model.attachOfferProperty().isNull());
        reload.managedProperty().bind(reload.visibleProperty());
        HBox actions = new HBox(8, attach, reload, open);
        VBox banner = new VBox(6, heading, text, actions);
        banner.setPadding(new Insets(10, 12, 10, 12));
        banner.getStyleClass().add("problem-banner");
        banner.visibleProperty().bind(model.problemsProperty().isNotEmpty());
        banner.managedProperty().bind(banner.visibleProperty());
        Runnable restyle = () -> {
            boolean broken = model.problemsProperty().get().contains(": error: ");
            boolean fatal = !model.loadedProperty().get() || broken;
            heading.setText(model.attachOfferProperty().get() != null && model.loadedProperty().get()
                    ? "Another procdeck already runs this project"
                    : !model.loadedProperty().get() ? "The project cannot be loaded"
                    : broken ? "The edited project files have errors: fix them, then Reload (what runs keeps running)"
                    : "Warnings in the project files");
            banner.getStyleClass().removeAll("error", "warning");
            banner.getStyleClass().add(fatal ? "error" : "warning");
        };
        model.problemsProperty().addListener((o, a, b) -> restyle.run());
        model.loadedProperty().addListener((o, a, b) -> restyle.run());
        model.attachOfferProperty().addListener((o, a, b) -> restyle.run());
        restyle.run();
        return banner;
    }

    private MenuItem runItem() {
        MenuItem run = Icons.on(item("Ru_n…", "Shortcut+Shift+X", this::showRunDialog), Icons.START);
        run.setId("menu-run");
        run.disableProperty().bind(model.can(Capability.RUN_ONE_OFF).not());
        return run;
    }

    /**
     * File › Attach…: the procdecks this user runs, or a socket path (one forwarded with {@code ssh -L}); the
     * window then drives the chosen one. A failure is told and the window stays as it was.
     */
    AttachDialog showAttachDialog() {
        if (!mayLeaveRunningProject("attach this window to another procdeck", "Stop and Attach…")) {
            return null;
        }
        AttachDialog dialog = new AttachDialog(window(), model.runningProcdecks());
        dialog.setOnAttach(model::attach);
        dialog.show();
        return dialog;
    }

    /**
     * Whether the window may turn from what it runs to {@code next}: asked first (as quitting does) when its own
     * processes run, since turning stops them; remembered "Don't ask again" turns the question off for both.
     */
    boolean mayLeaveRunningProject(String next, String buttonLabel) {
        int running = model.runningProperty().get();
        if (running == 0 || !model.can(Capability.OWNS_PROCESSES).get() || !askBeforeStopping.get()) {
            return true;
        }
        QuitConfirmation.Answer answer = QuitConfirmation.beforeLeaving(window(), running, model.stopTimeout(), next,
                buttonLabel).ask();
        if (answer.dontAskAgain()) {
            askBeforeStopping.set(false);
        }
        return answer.quit();
    }

    /** Attaches this window to the procdeck on {@code socket}; a failure is told in a dialog. */
    void attachTo(Path socket) {
        model.attach(socket).exceptionally(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof java.util.concurrent.CancellationException) {
                return null; // overtaken by another open or attach: nothing to tell
            }
            javafx.application.Platform.runLater(() -> {
                Alert alert = new Alert(Alert.AlertType.ERROR, "Cannot attach to " + socket + ":\n" + cause.getMessage(),
                        ButtonType.OK);
                alert.setHeaderText("Not attached");
                alert.initOwner(window());
                alert.show();
            });
            return null;
        });
    }

    /** Processes › Run…: the dialog starts the run itself and stays open on a line that cannot run. */
    RunDialog showRunDialog() {
        RunDialog dialog = new RunDialog(window(), model.oneOffs());
        dialog.show();
        return dialog;
    }

    private HBox statusBar() {
        Label project = new Label();
        project.textProperty().bind(Bindings.createStringBinding(() -> model.projectRootProperty().get() != null
                ? model.projectRootProperty().get().toString() : model.attachedProperty().get()
                ? "attached: closing this window leaves its processes running" : "No project",
                model.projectRootProperty(), model.attachedProperty()));
        Label running = new Label();
        running.setId("runningCount");
        running.textProperty().bind(model.runningProperty().asString("%d running"));
        Label lines = new Label();
        lines.setId("lineCount");
        var console = model.console();
        lines.textProperty().bind(Bindings.createStringBinding(() -> String.format(console.receivedProperty().get() == 1 ? "%,d line" : "%,d lines", console.receivedProperty().get())
                        + (console.droppedProperty().get() > 0 ? String.format(", %,d oldest dropped from memory"
                        + " (keeps %,d, shows the newest %,d; all are in the session log)", console.droppedProperty().get(),
                        console.capacity(), console.shownCapacity()) : ""),
                console.receivedProperty(), console.droppedProperty()));
        Label oneOff = new Label();
        oneOff.setId("oneOffStatus");
        oneOff.textProperty().bind(model.oneOffs().statusProperty());
        Button stopOneOff = Icons.on(new Button(), Icons.STOP);
        stopOneOff.setId("stopOneOff");
        stopOneOff.getStyleClass().addAll("flat", "small");
        stopOneOff.setTooltip(new Tooltip("Stop this run (SIGTERM, then SIGKILL)"));
        stopOneOff.setOnAction(e -> model.oneOffs().stopLatest());
        oneOff.graphicProperty().bind(Bindings.when(model.oneOffs().latestRunningProperty())
                .then((javafx.scene.Node) stopOneOff).otherwise((javafx.scene.Node) null));
        oneOff.setContentDisplay(javafx.scene.control.ContentDisplay.RIGHT);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(16, running, lines, oneOff, spacer, project);
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
        if (dir != null && mayLeaveRunningProject("open " + dir.getName(), "Stop and Open")) {
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
                Path dropped = e.getDragboard().getFiles().get(0).toPath();
                // Asked after the drop completes: a modal dialog inside the drop handler would hold the drag.
                javafx.application.Platform.runLater(() -> {
                    if (mayLeaveRunningProject("open " + dropped.getFileName(), "Stop and Open")) {
                        model.openProject(dropped);
                    }
                });
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
        toasts.show(notice, w.isFocused());
    }

    /** Crash notices on screen now (tests). */
    long crashNoticesShown() {
        return toasts.showing();
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
        grid.addRow(row++, new Label("Double-click an instance"), new Label("Show only its lines in the console"));
        grid.addRow(row++, keyLabel("Enter"), new Label("Start the selected row"));
        grid.addRow(row++, keyLabel("Delete"), new Label("Stop the selected row"));
        grid.addRow(row++, keyLabel("R"), new Label("Restart the selected row"));
        grid.addRow(row, keyLabel("Shift+F10 / Menu"), new Label("The row's menu: PID, browser, logs, environment, restart policy"));
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

    private static Label keyLabel(String text) {
        Label key = new Label(text);
        key.getStyleClass().add("shortcut-key");
        return key;
    }

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    Map<String, Integer> typeIndex() {
        return typeIndex;
    }
}
