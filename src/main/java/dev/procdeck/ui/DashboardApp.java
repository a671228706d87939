package dev.procdeck.ui;

import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.PosixProcessLauncher;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;
import java.util.OptionalDouble;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import javafx.util.Duration;

/** The desktop application: one window on one project. */
public final class DashboardApp extends Application {
    private static final System.Logger LOG = System.getLogger("dev.procdeck.ui");
    /** How often queued lines and events reach the screen. */
    static final Duration PULSE = Duration.millis(100);
    /** The longest the window waits for its first project before it shows (loading reads files on io). */
    static final Duration FIRST_FRAME_LIMIT = Duration.seconds(3);

    private static final java.util.logging.Logger QUIET_JAVAFX_LOGGER = java.util.logging.Logger.getLogger("javafx");
    private static final java.util.logging.Logger QUIET_PREFS_LOGGER = java.util.logging.Logger.getLogger("java.util.prefs");

    static {
        // Here, not only in open(): `mvn javafx:run` launches this class directly. JavaFX warns that it runs from
        // the class path (as the fat jar ships it, on purpose); "Created user preferences directory." on a first
        // run is not news to a user.
        QUIET_JAVAFX_LOGGER.setLevel(java.util.logging.Level.SEVERE);
        QUIET_PREFS_LOGGER.setLevel(java.util.logging.Level.WARNING);
    }

    /** The window settings, read before the toolkit starts (off the FX thread); null when launched otherwise. */
    private static volatile UiSettings preloaded;

    /** What the window remembers between runs (Workspace "ui" settings). */
    record UiSettings(Theme theme, Optional<WindowGeometry> geometry, Optional<String> columns, OptionalDouble divider,
                      java.util.concurrent.CompletableFuture<Boolean> desktopDark, boolean askBeforeStopping) {
        static UiSettings read(Workspace w) {
            Theme theme = Theme.SYSTEM;
            Optional<WindowGeometry> geometry = Optional.empty();
            Optional<String> columns = Optional.empty();
            OptionalDouble divider = OptionalDouble.empty();
            boolean ask = true;
            try {
                ask = !"false".equals(w.uiSetting(ASK_BEFORE_STOPPING).orElse("true"));
                theme = Theme.parse(w.uiSetting("theme").orElse(null));
                geometry = w.uiSetting("window").flatMap(WindowGeometry::parse);
                columns = w.uiSetting("columns");
                divider = w.uiSetting("divider").map(d -> {
                    try {
                        return OptionalDouble.of(Double.parseDouble(d));
                    } catch (NumberFormatException e) {
                        return OptionalDouble.empty();
                    }
                }).orElse(OptionalDouble.empty());
            } catch (RuntimeException e) {
                // An unreadable store: defaults.
            }
            java.util.concurrent.CompletableFuture<Boolean> dark = theme == Theme.SYSTEM
                    ? java.util.concurrent.CompletableFuture.supplyAsync(Theme::desktopPrefersDark)
                    : java.util.concurrent.CompletableFuture.completedFuture(false);
            return new UiSettings(theme, geometry, columns, divider, dark, ask);
        }
    }

    private ExecutorService io;
    private DashboardViewModel model;
    private AutoCloseable pulse;
    private boolean closing;
    static final String ASK_BEFORE_STOPPING = "askBeforeStopping";

    /**
     * Opens the dashboard and returns when it is closed.
     *
     * @throws IllegalStateException with the reason when no window can be opened (no display, no GTK)
     */
    public static int open(String[] args) {
        preloaded = UiSettings.read(Workspace.user()); // preferences are files: read here, not on the FX thread
        try {
            Application.launch(DashboardApp.class, args);
            return 0;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    @Override
    public void start(Stage stage) {
        io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "procdeck-io");
            t.setDaemon(true);
            return t;
        });
        int capacity = Integer.getInteger("procdeck.console.lines", ConsoleViewModel.DEFAULT_CAPACITY);
        model = new DashboardViewModel(Workspace.user(), new PosixProcessLauncher(), io, Platform::runLater,
                Clock.systemDefaultZone(), System.getenv(), capacity);
        DashboardView view = new DashboardView(model);
        UiSettings ui = preloaded != null ? preloaded : new UiSettings(Theme.LIGHT, Optional.empty(), Optional.empty(),
                OptionalDouble.empty(), java.util.concurrent.CompletableFuture.completedFuture(false), true);
        view.askBeforeStoppingProperty().set(ui.askBeforeStopping());
        view.askBeforeStoppingProperty().addListener((o, was, ask) ->
                io.execute(() -> Workspace.user().putUiSetting(ASK_BEFORE_STOPPING, Boolean.toString(ask))));
        applyTheme(view, ui.theme(), ui.desktopDark());
        view.themeProperty().set(ui.theme());
        view.themeProperty().addListener((o, a, chosen) -> {
            applyTheme(view, chosen, chosen == Theme.SYSTEM
                    ? java.util.concurrent.CompletableFuture.supplyAsync(Theme::desktopPrefersDark, io)
                    : java.util.concurrent.CompletableFuture.completedFuture(false));
            io.execute(() -> Workspace.user().putUiSetting("theme", chosen.name().toLowerCase(java.util.Locale.ROOT)));
        });
        ui.columns().ifPresent(view::restoreColumnWidths);
        ui.divider().ifPresent(view::setDividerPosition);

        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        WindowGeometry geometry = ui.geometry()
                .map(g -> g.clampTo(Screen.getScreens().stream().map(Screen::getVisualBounds).toList(), screen))
                .orElseGet(() -> WindowGeometry.initial(screen));
        Scene scene = new Scene(view, geometry.width(), geometry.height());
        scene.getStylesheets().add(DashboardApp.class.getResource("procdeck.css").toExternalForm());
        stage.setScene(scene);
        stage.setMinWidth(Math.min(WindowGeometry.MIN_WIDTH, screen.getWidth()));
        stage.setMinHeight(Math.min(WindowGeometry.MIN_HEIGHT, screen.getHeight()));
        // Set explicitly: some window managers otherwise open the window at its minimum size.
        stage.setX(geometry.x());
        stage.setY(geometry.y());
        stage.setWidth(geometry.width());
        stage.setHeight(geometry.height());
        stage.setMaximized(geometry.maximized());
        stage.titleProperty().bind(Bindings.concat(view.titleBadge(), model.titleProperty()));
        stage.getIcons().addAll(icons());
        stage.setOnCloseRequest(e -> {
            e.consume();
            close(stage, view);
        });
        view.setOnQuit(() -> close(stage, view));

        pulse = startPulse(model);
        FxStats.startIfRequested(model.console());

        // SIGTERM/SIGINT to the dashboard still stop the children: SIGTERM to each at once, and the JVM leaves
        // within seconds whatever they do (the session's watchdog sends SIGKILL to what has not ended). The hook
        // waits for nothing unbounded: not the FX thread (it may be gone), not the io executor (it may be busy).
        Runtime.getRuntime().addShutdownHook(new Thread(model::stopForExit, "procdeck-shutdown"));

        CompletableFuture<Void> firstProject = new CompletableFuture<>();
        showWhenReady(stage, firstProject, FIRST_FRAME_LIMIT, () -> {
            SmokeCheck.startIfRequested(scene, io, () -> close(stage, view));
            // Again once mapped: a window manager (openbox, for one) may map a new window at its minimum size and
            // ignore the size asked before; asked after mapping, it is honoured.
            Platform.runLater(() -> {
                if (!stage.isMaximized()) {
                    stage.setX(geometry.x());
                    stage.setY(geometry.y());
                    stage.setWidth(geometry.width());
                    stage.setHeight(geometry.height());
                }
            });
        });
        String attachTo = getParameters().getNamed().get("attach");
        if (attachTo != null) {
            // procdeck attach: the CLI found the procdeck and checked it answers; this window drives it.
            view.attachTo(Path.of(attachTo)); // a failure is told in the window, which stays empty
            firstProject.complete(null);
            return;
        }
        Optional<Path> requested = getParameters().getUnnamed().stream().findFirst().map(Path::of);
        io.execute(() -> {
            Path initial = requested.or(() -> Workspace.user().lastProject().filter(Files::isDirectory))
                    .orElseGet(() -> Path.of("examples", "demo"));
            Platform.runLater(() -> model.openProject(initial).whenComplete((v, e) -> firstProject.complete(null)));
        });
    }

    /**
     * Shows the window once its first project is loaded, or after {@code limit} if loading takes longer, so that
     * its first frame shows the project instead of an empty "No project" frame under a title that already names
     * it. {@code afterShown} runs once, on the FX thread, right after the window is shown.
     */
    static void showWhenReady(Stage stage, CompletionStage<?> ready, Duration limit, Runnable afterShown) {
        java.util.concurrent.atomic.AtomicBoolean shown = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable show = () -> {
            if (shown.compareAndSet(false, true)) {
                stage.show();
                afterShown.run();
            }
        };
        javafx.animation.PauseTransition late = new javafx.animation.PauseTransition(limit);
        late.setOnFinished(e -> show.run());
        late.play();
        ready.whenComplete((v, e) -> Platform.runLater(() -> {
            late.stop();
            show.run();
        }));
    }

    /**
     * Drains queued lines and events onto the screen every {@link #PULSE}. A plain timer thread posts the drain
     * rather than a Timeline: a running animation makes JavaFX render 60 frames a second even when nothing
     * changes, which costs a few per cent of CPU on an idle dashboard. At most one drain is queued at a time.
     */
    static AutoCloseable startPulse(DashboardViewModel model) {
        java.util.concurrent.ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "procdeck-pulse");
            t.setDaemon(true);
            return t;
        });
        // The timer decodes lines for the next pulse: under a flood that is real work, which must not take the
        // CPU from the FX thread (the readers are niced for the same reason).
        timer.execute(() -> dev.procdeck.os.PosixSignals.niceCurrentThread(DashboardViewModel.READER_NICE));
        java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
        timer.scheduleAtFixedRate(() -> {
            // Decoded on every tick, also while the FX thread is behind: the FX side never decodes, so a backlog
            // must never wait for it (what the FX thread has not taken yet is capped, the excess counted as dropped).
            try {
                model.preparePulse();
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.ERROR, "preparing a dashboard update failed", ex);
            }
            if (queued.compareAndSet(false, true)) {
                Platform.runLater(() -> {
                    queued.set(false);
                    long start = System.nanoTime();
                    try {
                        model.pulse();
                        FxStats.recordPulseWork(System.nanoTime() - start);
                    } catch (RuntimeException ex) {
                        // Keep draining whatever one update did wrong; report it.
                        LOG.log(System.Logger.Level.ERROR, "dashboard update failed", ex);
                    }
                });
            }
        }, 0, (long) PULSE.toMillis(), TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    }

    private void close(Stage stage, DashboardView view) {
        if (closing) {
            return;
        }
        int running = model.runningProperty().get();
        if (model.can(dev.procdeck.runtime.RunningApp.Capability.OWNS_PROCESSES).get() && running > 0
                && view.askBeforeStoppingProperty().get()) {
            QuitConfirmation.Answer answer = new QuitConfirmation(stage, running, model.stopTimeout()).ask();
            if (!answer.quit()) {
                return;
            }
            if (answer.dontAskAgain()) {
                view.askBeforeStoppingProperty().set(false); // remembered by its listener
            }
        }
        closing = true;
        if (model.can(dev.procdeck.runtime.RunningApp.Capability.OWNS_PROCESSES).get()) {
            view.showClosing(); // a window that owns no process stops nothing: it only hangs up
        }
        saveWindow(stage, view);
        model.shutdown().whenComplete((v, e) -> Platform.runLater(() -> {
            try {
                pulse.close();
            } catch (Exception ignored) {
                // a timer: nothing to fail
            }
            stage.hide();
            Platform.exit();
        }));
    }

    /** Remembers the window's place, size, columns and divider; written on the io thread. */
    private void saveWindow(Stage stage, DashboardView view) {
        WindowGeometry g = new WindowGeometry(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(),
                stage.isMaximized());
        String columns = view.columnWidths();
        String divider = Double.toString(view.dividerPosition());
        io.execute(() -> {
            Workspace w = Workspace.user();
            // A maximised window keeps the size it had before, so that un-maximising restores it.
            WindowGeometry keep = g.maximized() ? w.uiSetting("window").flatMap(WindowGeometry::parse)
                    .map(old -> new WindowGeometry(old.x(), old.y(), old.width(), old.height(), true)).orElse(g) : g;
            w.putUiSetting("window", keep.encode());
            w.putUiSetting("columns", columns);
            w.putUiSetting("divider", divider);
        });
    }

    private static void applyTheme(DashboardView view, Theme chosen, java.util.concurrent.CompletableFuture<Boolean> asked) {
        java.util.concurrent.CompletableFuture<Boolean> desktopDark = asked.exceptionally(e -> false);
        Theme.apply(chosen.isDark(desktopDark.getNow(false)), view);
        if (chosen == Theme.SYSTEM && !desktopDark.isDone()) {
            desktopDark.thenAccept(dark -> Platform.runLater(() -> {
                if (view.themeProperty().get() == Theme.SYSTEM) {
                    Theme.apply(dark, view);
                }
            }));
        }
    }

    @Override
    public void stop() {
        if (io != null) {
            io.shutdown();
        }
    }

    private static List<Image> icons() {
        return java.util.stream.IntStream.of(16, 32, 48, 64, 128, 256, 512).mapToObj(size -> {
            try (InputStream in = DashboardApp.class.getResourceAsStream("/icons/procdeck-" + size + ".png")) {
                return in == null ? null : new Image(in);
            } catch (java.io.IOException e) {
                return null;
            }
        }).filter(java.util.Objects::nonNull).toList();
    }
}
