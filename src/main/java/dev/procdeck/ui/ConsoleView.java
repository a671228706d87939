package dev.procdeck.ui;

import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import java.io.File;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.stage.FileChooser;
import org.controlsfx.control.CheckComboBox;
import org.fxmisc.flowless.VirtualizedScrollPane;
import org.fxmisc.richtext.InlineCssTextArea;
import org.fxmisc.richtext.model.ReadOnlyStyledDocument;
import org.fxmisc.richtext.model.ReadOnlyStyledDocumentBuilder;
import org.fxmisc.richtext.model.SegmentOps;
import org.fxmisc.richtext.model.StyledSegment;
import org.fxmisc.richtext.util.UndoUtils;

/**
 * The console: a read-only RichTextFX area fed one multi-paragraph document per pulse, capped at the buffer
 * size, plus the filter bar. Follows the tail until the user scrolls up. After a filter change the whole document
 * and its matches are built on the model's filter worker ({@link Prepared}); the FX thread swaps them in. On a
 * pulse only the new lines are rendered and searched.
 */
public final class ConsoleView extends BorderPane {
    private static final SegmentOps<String, String> SEG_OPS = SegmentOps.styledTextOps();

    private final ConsoleViewModel model;
    private final InlineCssTextArea area = new InlineCssTextArea();
    private final LineRenderer renderer;
    private final Button jump = new Button();
    private final TextField search = new TextField();
    private final ToggleButton regex = new ToggleButton(".*");
    private final ToggleButton matchCase = new ToggleButton("Aa");
    private final Label matchInfo = new Label();
    private final Label queryError = new Label();
    private final Label notice = new Label();
    private final CheckComboBox<String> levelChoice = new CheckComboBox<>();
    /** The log line of each paragraph of the area (null for the "not drawn" marker), to copy, search and link. */
    private final java.util.ArrayList<LogLine> paragraphLines = new java.util.ArrayList<>();
    /** Matches of the query in what the area shows: paragraph, start, end (in the paragraph's text). */
    private java.util.ArrayList<int[]> matches = new java.util.ArrayList<>();
    private int currentMatch = -1;
    /** Enter applied a query still waiting for the typing pause: step to its first match once it is shown. */
    private boolean findAfterRedraw;
    private org.fxmisc.richtext.model.StyleSpans<String> currentMatchStyle;
    private int[] currentMatchRange;
    private Supplier<java.nio.file.Path> projectRoot = () -> null;
    private final CheckComboBox<String> typeChoice = new CheckComboBox<>();
    private final CheckComboBox<String> instanceChoice = new CheckComboBox<>();
    private boolean scrollingProgrammatically;
    private boolean syncingChoices;
    private Supplier<javafx.stage.Window> window = () -> getScene() == null ? null : getScene().getWindow();

    public ConsoleView(ConsoleViewModel model, Map<String, Integer> typeIndex) {
        this.model = model;
        this.renderer = new LineRenderer(typeIndex, ZoneId.systemDefault());
        getStyleClass().add("console-pane");
        area.getStyleClass().add("console");
        area.setEditable(false);
        area.setWrapText(false);
        area.setUndoManager(UndoUtils.noOpUndoManager());
        area.setId("console");
        area.setStyle("-fx-font-family: 'DejaVu Sans Mono', 'Monospaced'; -fx-font-size: 12px;");

        VirtualizedScrollPane<InlineCssTextArea> scroll = new VirtualizedScrollPane<>(area);
        jump.getStyleClass().add("jump-latest");
        jump.setId("jumpToLatest");
        jump.visibleProperty().bind(model.followingProperty().not());
        jump.managedProperty().bind(jump.visibleProperty());
        jump.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> "Jump to latest ("
                + dev.procdeck.procfile.Plural.count(model.unseenProperty().get(), "new line") + ") ⤓",
                model.unseenProperty()));
        jump.setOnAction(e -> jumpToLatest());
        StackPane stack = new StackPane(scroll, jump);
        StackPane.setAlignment(jump, Pos.BOTTOM_RIGHT);
        StackPane.setMargin(jump, new Insets(0, 24, 16, 0));
        setCenter(stack);
        setTop(filterBar());

        setBottom(statusLine());
        area.setOnMouseClicked(e -> {
            if (e.getButton() == javafx.scene.input.MouseButton.PRIMARY && e.getClickCount() == 1 && e.isStillSincePress()) {
                linkAt(area.hit(e.getX(), e.getY()).getInsertionIndex()).ifPresent(UrlOpener::open);
            }
        });
        model.setRenderer(this::append, new ConsoleViewModel.Redraw<Prepared>() {
            @Override
            public Prepared prepare(List<LogLine> lines, dev.procdeck.logs.LogFilter filter, boolean timestamps) {
                return ConsoleView.this.prepare(lines, filter, timestamps);
            }

            @Override
            public void show(Prepared prepared) {
                ConsoleView.this.show(prepared);
            }
        });
        area.estimatedScrollYProperty().addListener((o, a, b) -> updateFollowing());
    }

    /** A whole redraw, built off the FX thread: the document, its lines, and the query's matches in it. */
    private record Prepared(ReadOnlyStyledDocument<String, String, String> document, List<LogLine> lines,
                            java.util.ArrayList<int[]> matches) {
    }

    public InlineCssTextArea area() {
        return area;
    }

    private HBox filterBar() {
        setUpChoice(typeChoice, "Types", "typeFilter", model.types(), model::setHiddenTypes);
        setUpChoice(instanceChoice, "Instances", "instanceFilter", model.instances(), model::setHiddenInstances);
        instanceChoice.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(String name) {
                return name == null ? "" : model.instanceLabel(name);
            }

            @Override
            public String fromString(String label) {
                return label;
            }
        });
        javafx.collections.ObservableList<String> levels = javafx.collections.FXCollections.observableArrayList(
                "error", "warn", "info", "debug", "other");
        setUpChoice(levelChoice, "Levels", "levelFilter", levels, hidden -> {
            Set<dev.procdeck.logs.LogLevel> hiddenLevels = EnumSet.noneOf(dev.procdeck.logs.LogLevel.class);
            hidden.forEach(h -> hiddenLevels.add(h.equals("other") ? dev.procdeck.logs.LogLevel.NONE
                    : dev.procdeck.logs.LogLevel.valueOf(h.toUpperCase(java.util.Locale.ROOT))));
            model.setHiddenLevels(hiddenLevels);
        });
        levelChoice.setTooltip(new Tooltip("Lines that announce a level (ERROR, WARN, level=info, JSON \"level\")"));
        model.filterProperty().addListener((o, a, f) -> {
            syncingChoices = true;
            try {
                Bindings.check(typeChoice, f.hiddenTypes());
                Bindings.check(instanceChoice, f.hiddenInstances());
            } finally {
                syncingChoices = false;
            }
        });

        ToggleButton out = streamToggle("out", "Show stdout");
        ToggleButton err = streamToggle("err", "Show stderr");
        ToggleButton sys = streamToggle("events", "Show procdeck's lifecycle events");
        Runnable streams = () -> {
            Set<LogStream> shown = EnumSet.noneOf(LogStream.class);
            if (out.isSelected()) {
                shown.add(LogStream.STDOUT);
            }
            if (err.isSelected()) {
                shown.add(LogStream.STDERR);
            }
            if (sys.isSelected()) {
                shown.add(LogStream.SYSTEM);
            }
            model.setStreams(shown);
        };
        out.setOnAction(e -> streams.run());
        err.setOnAction(e -> streams.run());
        sys.setOnAction(e -> streams.run());
        out.setId("streamOut");
        err.setId("streamErr");
        sys.setId("streamSystem");

        search.setPromptText("Filter lines (Ctrl+F)");
        search.setId("search");
        search.setPrefColumnCount(16);
        regex.setTooltip(new Tooltip("Regular expression"));
        matchCase.setTooltip(new Tooltip("Match case"));
        Runnable query = () -> model.setQuery(search.getText(), regex.isSelected(), matchCase.isSelected());
        // Typing waits for a pause; the toggles, Enter and Escape apply at once.
        search.textProperty().addListener((o, a, b) ->
                model.typeQuery(search.getText(), regex.isSelected(), matchCase.isSelected()));
        regex.setOnAction(e -> query.run());
        matchCase.setOnAction(e -> query.run());
        search.setOnAction(e -> {
            if (model.applyTypedQuery()) {
                findAfterRedraw = true; // the matches of the new query are known once it is shown
            } else {
                findNext(true);
            }
        });
        queryError.setId("queryError");
        queryError.getStyleClass().add("query-error");
        queryError.setStyle("-fx-text-fill: #f38ba8;");
        queryError.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() ->
                model.queryErrorProperty().get().isEmpty() ? "" : "invalid pattern: " + model.queryErrorProperty().get(),
                model.queryErrorProperty()));
        queryError.visibleProperty().bind(model.queryErrorProperty().isNotEmpty());
        queryError.managedProperty().bind(queryError.visibleProperty());
        model.queryErrorProperty().addListener((o, a, b) -> {
            search.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("invalid"), !b.isEmpty());
            search.setTooltip(b.isEmpty() ? null : new Tooltip("Invalid pattern: " + b));
        });
        matchInfo.setId("matchInfo");
        Button prev = new Button("↑");
        prev.setTooltip(new Tooltip("Previous match (Shift+Enter)"));
        prev.setOnAction(e -> findNext(false));
        Button next = new Button("↓");
        next.setTooltip(new Tooltip("Next match (Enter)"));
        next.setOnAction(e -> findNext(true));
        search.setOnKeyPressed(e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ENTER && e.isShiftDown()) {
                if (!model.applyTypedQuery()) {
                    findNext(false);
                }
                e.consume();
            } else if (e.getCode() == javafx.scene.input.KeyCode.ESCAPE) {
                search.clear();
                model.applyTypedQuery();
            }
        });

        ToggleButton time = new ToggleButton("time");
        time.setTooltip(new Tooltip("Show timestamps"));
        time.selectedProperty().bindBidirectional(model.timestampsProperty());
        ToggleButton wrap = new ToggleButton("wrap");
        wrap.setTooltip(new Tooltip("Wrap long lines"));
        area.wrapTextProperty().bind(wrap.selectedProperty());

        Button clear = new Button("Clear");
        clear.setId("clearConsole");
        clear.setTooltip(new Tooltip("Clear the console (Ctrl+L)"));
        clear.setOnAction(e -> model.clear());
        Button copy = new Button("Copy");
        copy.setId("copyLines");
        copy.setTooltip(new Tooltip("Copy the selected lines, as Save writes them"));
        copy.setOnAction(e -> copySelection());
        MenuButton save = new MenuButton("Save");
        MenuItem saveAll = new MenuItem("Save whole log…");
        saveAll.setOnAction(e -> saveLog(false));
        MenuItem saveFiltered = new MenuItem("Save filtered view…");
        saveFiltered.setOnAction(e -> saveLog(true));
        save.getItems().addAll(saveAll, saveFiltered);

        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(6, typeChoice, instanceChoice, out, err, sys, search, matchCase, regex,
                prev, next, queryError, matchInfo, spacer, time, wrap, clear, copy, save);
        // On a narrow window the search field gives up width; buttons keep their labels.
        bar.getChildren().forEach(n -> {
            if (n instanceof javafx.scene.control.Control c && n != search) {
                c.setMinWidth(Region.USE_PREF_SIZE);
            }
        });
        search.setMinWidth(90);
        queryError.setMinWidth(40);
        queryError.setMaxWidth(280);
        queryError.setTooltip(new Tooltip());
        queryError.getTooltip().textProperty().bind(queryError.textProperty());
        HBox.setHgrow(search, Priority.SOMETIMES);
        typeChoice.setMinWidth(90);
        instanceChoice.setMinWidth(110);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 6, 4, 6));
        bar.getStyleClass().add("console-bar");
        return bar;
    }

    /** A checkable list of names where checked means shown; unchecking hides through {@code setHidden}. */
    private void setUpChoice(CheckComboBox<String> box, String title, String id,
                             javafx.collections.ObservableList<String> names, java.util.function.Consumer<Set<String>> setHidden) {
        box.setTitle(title);
        box.setShowCheckedCount(true);
        box.setId(id);
        Bindings.bindContent(box, names, syncing -> syncingChoices = syncing);
        box.getCheckModel().getCheckedItems().addListener((ListChangeListener<String>) c -> {
            if (!syncingChoices) {
                Set<String> hidden = new HashSet<>(names);
                hidden.removeAll(box.getCheckModel().getCheckedItems());
                setHidden.accept(hidden);
            }
        });
    }

    private static ToggleButton streamToggle(String text, String tip) {
        ToggleButton t = new ToggleButton(text);
        t.setSelected(true);
        t.setTooltip(new Tooltip(tip));
        return t;
    }

    public void focusSearch() {
        search.requestFocus();
        search.selectAll();
    }

    /** Where the project lives, for Save's folder and file name. */
    public void setProjectRoot(Supplier<java.nio.file.Path> root) {
        this.projectRoot = root;
    }

    public void saveLog(boolean filtered) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(filtered ? "Save filtered view" : "Save whole log");
        java.nio.file.Path root = projectRoot.get();
        if (root != null && root.toFile().isDirectory()) {
            chooser.setInitialDirectory(root.toFile());
        }
        chooser.setInitialFileName(ConsoleViewModel.saveFileName(root, java.time.LocalDateTime.now()));
        File file = chooser.showSaveDialog(window.get());
        if (file != null) {
            save(file.toPath(), filtered);
        }
    }

    /** Saves and says where it went (or why it did not). */
    void save(java.nio.file.Path target, boolean filtered) {
        model.save(target, filtered, ZoneId.systemDefault()).whenComplete((n, e) -> Platform.runLater(() ->
                notice.setText(e != null ? "save failed: " + (e.getCause() != null ? e.getCause() : e).getMessage()
                        : "saved " + dev.procdeck.procfile.Plural.count(n, "line") + " to " + target)));
    }

    /** The selected lines (whole lines), in the format Save writes. */
    void copySelection() {
        var sel = area.getSelection();
        if (sel.getLength() == 0 || paragraphLines.isEmpty()) {
            return;
        }
        int first = area.offsetToPosition(sel.getStart(), org.fxmisc.richtext.model.TwoDimensional.Bias.Forward).getMajor();
        int last = area.offsetToPosition(sel.getEnd(), org.fxmisc.richtext.model.TwoDimensional.Bias.Backward).getMajor();
        List<LogLine> lines = new java.util.ArrayList<>();
        for (int i = Math.max(0, first); i <= last && i < paragraphLines.size(); i++) {
            if (paragraphLines.get(i) != null) {
                lines.add(paragraphLines.get(i));
            }
        }
        javafx.scene.input.ClipboardContent content = new javafx.scene.input.ClipboardContent();
        content.putString(model.format(lines));
        javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
        notice.setText("copied " + dev.procdeck.procfile.Plural.count(lines.size(), "line"));
    }

    /** What memory holds of what is shown, disk reads with their progress, and the last save or copy. */
    private HBox statusLine() {
        Label memory = new Label();
        memory.setId("memoryStatus");
        memory.textProperty().bind(model.memoryStatusProperty());
        javafx.scene.control.ProgressBar progress = new javafx.scene.control.ProgressBar();
        progress.setPrefWidth(120);
        // Never -1: an indeterminate bar animates (60 frames a second) even while hidden.
        progress.progressProperty().bind(javafx.beans.binding.Bindings.max(0.0, model.diskProgressProperty()));
        Label activity = new Label();
        activity.textProperty().bind(model.diskActivityProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("cancelDiskRead");
        cancel.setOnAction(e -> model.cancelDiskWork());
        HBox disk = new HBox(6, activity, progress, cancel);
        disk.setAlignment(Pos.CENTER_LEFT);
        disk.visibleProperty().bind(model.diskProgressProperty().greaterThanOrEqualTo(0));
        disk.managedProperty().bind(disk.visibleProperty());
        notice.setId("consoleNotice");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        // The level filter lives here: the filter bar above is full at the window's smallest width.
        levelChoice.setMinWidth(80);
        memory.setMinWidth(0);
        notice.setMinWidth(0);
        HBox line = new HBox(12, levelChoice, memory, disk, spacer, notice);
        line.setAlignment(Pos.CENTER_LEFT);
        line.setPadding(new Insets(2, 6, 2, 6));
        line.getStyleClass().add("console-status");
        return line;
    }

    /** The URL under a character of the area, if any. */
    private java.util.Optional<String> linkAt(int offset) {
        var pos = area.offsetToPosition(offset, org.fxmisc.richtext.model.TwoDimensional.Bias.Forward);
        int p = pos.getMajor();
        if (p < 0 || p >= paragraphLines.size() || paragraphLines.get(p) == null) {
            return java.util.Optional.empty();
        }
        String plain = dev.procdeck.logs.AnsiText.stripColours(paragraphLines.get(p));
        int column = pos.getMinor() - textOffset(p, plain);
        for (int[] r : LineRenderer.urlRanges(plain)) {
            if (column >= r[0] && column < r[1]) {
                return java.util.Optional.of(plain.substring(r[0], r[1]));
            }
        }
        return java.util.Optional.empty();
    }

    /** Where a line's text starts in its paragraph (after time, name and separator). */
    private int textOffset(int paragraph, String plain) {
        return Math.max(0, area.getParagraph(paragraph).length() - LineRenderer.drawnLength(plain));
    }

    // ---- rendering --------------------------------------------------------------------------------------

    private void append(ConsoleViewModel.Batch batch) {
        List<LogLine> lines = batch.lines();
        boolean empty = area.getLength() == 0;
        ReadOnlyStyledDocumentBuilder<String, String, String> doc = new ReadOnlyStyledDocumentBuilder<>(SEG_OPS, "");
        if (!empty) {
            doc.addParagraph(List.of(new StyledSegment<>("", "")));
        }
        if (batch.skipped() > 0) {
            paragraphLines.add(null);
            doc.addParagraph(List.of(new StyledSegment<>("⋯ " + dev.procdeck.procfile.Plural.count(batch.skipped(), "line")
                    + " not drawn: more arrived in 100 ms than anyone can read; they are in the buffer (filter to find"
                    + " them) and the session log ⋯", LineRenderer.SYSTEM_STYLE)));
        }
        // Lines beyond the cap would be trimmed at once: skip rendering them.
        int from = Math.max(0, lines.size() - model.shownCapacity());
        boolean ts = model.timestampsProperty().get();
        var filter = model.filterProperty().get();
        for (int i = from; i < lines.size(); i++) {
            LogLine line = lines.get(i);
            List<StyledSegment<String, String>> segs = renderer.render(line, ts, filter);
            doc.addParagraph(segs);
            addMatches(matches, paragraphLines.size(), line, segs, filter);
            paragraphLines.add(line);
        }
        scrollingProgrammatically = true;
        try {
            area.append(doc.build());
            int excess = area.getParagraphs().size() - model.shownCapacity();
            // Long lines: the character budget, not the paragraph count, is what bounds the area's memory.
            int excessChars = area.getLength() - model.shownChars();
            if (excessChars > 0) {
                int paragraph = area.offsetToPosition(excessChars, org.fxmisc.richtext.model.TwoDimensional.Bias.Forward)
                        .getMajor() + 1;
                excess = Math.max(excess, Math.min(paragraph, area.getParagraphs().size() - 1));
            }
            if (excess > 0) {
                area.deleteText(0, 0, excess, 0);
                paragraphLines.subList(0, Math.min(excess, paragraphLines.size())).clear();
                dropMatchesBefore(excess);
            }
            if (model.followingProperty().get()) {
                area.showParagraphAtBottom(area.getParagraphs().size() - 1);
            }
        } finally {
            scrollingProgrammatically = false;
        }
        updateMatchInfo();
    }

    /** The matches of the query in one rendered line, as paragraph, start, end in the paragraph's text. */
    private static void addMatches(List<int[]> into, int paragraph, LogLine line, List<StyledSegment<String, String>> segs,
                                   dev.procdeck.logs.LogFilter filter) {
        if (!filter.hasQuery()) {
            return;
        }
        String plain = dev.procdeck.logs.AnsiText.stripColours(line);
        // Time, name and separator come first; a long line is drawn only in part.
        int offset = Math.max(0, LineRenderer.length(segs) - LineRenderer.drawnLength(plain));
        for (int[] r : filter.matchRanges(plain)) {
            if (r[1] > LineRenderer.DRAWN_CHARS) {
                break;
            }
            into.add(new int[] {paragraph, offset + r[0], offset + r[1]});
        }
    }

    /** The first {@code paragraphs} paragraphs left the area: so do their matches, and the rest move up. */
    private void dropMatchesBefore(int paragraphs) {
        int gone = 0;
        while (gone < matches.size() && matches.get(gone)[0] < paragraphs) {
            gone++;
        }
        matches.subList(0, gone).clear();
        for (int[] m : matches) {
            m[0] -= paragraphs;
        }
        if (currentMatch >= 0) {
            currentMatch = currentMatch >= gone ? currentMatch - gone : -1;
        }
    }

    /** Off the FX thread: the whole document for a filter, and its matches. Touches nothing of the scene. */
    private Prepared prepare(List<LogLine> lines, dev.procdeck.logs.LogFilter filter, boolean timestamps) {
        ReadOnlyStyledDocumentBuilder<String, String, String> doc =
                new ReadOnlyStyledDocumentBuilder<>(SEG_OPS, "", Math.max(1, lines.size()));
        java.util.ArrayList<int[]> found = new java.util.ArrayList<>();
        for (int p = 0; p < lines.size(); p++) {
            List<StyledSegment<String, String>> segs = renderer.render(lines.get(p), timestamps, filter);
            doc.addParagraph(segs);
            addMatches(found, p, lines.get(p), segs, filter);
        }
        return new Prepared(lines.isEmpty() ? null : doc.build(), lines, found);
    }

    /** On the FX thread: swaps a prepared redraw in. */
    private void show(Prepared prepared) {
        scrollingProgrammatically = true;
        try {
            paragraphLines.clear();
            paragraphLines.addAll(prepared.lines());
            if (prepared.document() == null) {
                area.clear();
            } else {
                area.replace(0, area.getLength(), prepared.document());
            }
            model.followingProperty().set(true);
            area.showParagraphAtBottom(Math.max(0, area.getParagraphs().size() - 1));
        } finally {
            scrollingProgrammatically = false;
        }
        currentMatchRange = null;
        currentMatchStyle = null;
        currentMatch = -1;
        matches = prepared.matches();
        updateMatchInfo();
        if (findAfterRedraw) {
            findAfterRedraw = false;
            findNext(true);
        }
    }

    /** Says "3 of 10" for the matches in what the area shows (kept up to date as lines come and go). */
    private void updateMatchInfo() {
        if (!model.filterProperty().get().hasQuery()) {
            matches.clear();
            currentMatch = -1;
            matchInfo.setText("");
            return;
        }
        currentMatch = Math.min(currentMatch, matches.size() - 1);
        showMatchCount();
    }

    private void showMatchCount() {
        if (matches.isEmpty()) {
            matchInfo.setText("no match");
        } else if (currentMatch < 0) {
            matchInfo.setText(String.format("%,d matches", matches.size()));
        } else {
            matchInfo.setText(String.format("%,d of %,d", currentMatch + 1, matches.size()));
        }
    }

    private void updateFollowing() {
        if (scrollingProgrammatically) {
            return;
        }
        double bottom = area.getEstimatedScrollY() + area.getViewportHeight();
        double total = area.totalHeightEstimateProperty().getValue() == null ? 0 : area.getTotalHeightEstimate();
        model.followingProperty().set(bottom >= total - 4);
    }

    public void jumpToLatest() {
        scrollingProgrammatically = true;
        try {
            model.followingProperty().set(true);
            area.showParagraphAtBottom(Math.max(0, area.getParagraphs().size() - 1));
        } finally {
            scrollingProgrammatically = false;
        }
    }

    /** Moves to the next (or previous) match, the current one drawn above every other and scrolled to. */
    void findNext(boolean forward) {
        if (matches.isEmpty()) {
            return;
        }
        restoreCurrentMatch();
        currentMatch = currentMatch < 0 ? (forward ? 0 : matches.size() - 1)
                : Math.floorMod(currentMatch + (forward ? 1 : -1), matches.size());
        int[] m = matches.get(currentMatch);
        int start = area.getAbsolutePosition(m[0], m[1]);
        int end = area.getAbsolutePosition(m[0], m[2]);
        currentMatchRange = new int[] {start, end};
        currentMatchStyle = area.getStyleSpans(start, end);
        area.setStyle(start, end, LineRenderer.CURRENT_MATCH_STYLE);
        model.followingProperty().set(false);
        area.selectRange(start, end);
        area.showParagraphInViewport(m[0]);
        area.requestFollowCaret();
        showMatchCount();
    }

    private void restoreCurrentMatch() {
        if (currentMatchRange != null && currentMatchStyle != null && currentMatchRange[1] <= area.getLength()) {
            area.setStyleSpans(currentMatchRange[0], currentMatchStyle);
        }
        currentMatchRange = null;
        currentMatchStyle = null;
    }

    /** The current match, "3 of 10", for tests. */
    String matchText() {
        return matchInfo.getText();
    }

    /** Helpers to keep a CheckComboBox in step with a model list where "checked" means "shown". */
    private static final class Bindings {
        static void bindContent(CheckComboBox<String> box, javafx.collections.ObservableList<String> source,
                                java.util.function.Consumer<Boolean> syncing) {
            box.getItems().setAll(source);
            box.getCheckModel().checkAll();
            source.addListener((ListChangeListener<String>) c -> {
                syncing.accept(true);
                try {
                    Set<String> unchecked = new HashSet<>(box.getItems());
                    unchecked.removeAll(box.getCheckModel().getCheckedItems());
                    // ControlsFX's checks are bits by index: left set, one counts an item that left the list
                    // ("Instances (7/6)" once web.3 went). Cleared while the indices are still the old list's.
                    box.getCheckModel().clearChecks();
                    box.getItems().setAll(source);
                    for (String item : source) {
                        if (!unchecked.contains(item)) {
                            box.getCheckModel().check(item);
                        }
                    }
                } finally {
                    syncing.accept(false);
                }
            });
        }

        static void check(CheckComboBox<String> box, Set<String> hidden) {
            for (String item : box.getItems()) {
                boolean shouldCheck = !hidden.contains(item);
                if (box.getCheckModel().isChecked(item) != shouldCheck) {
                    if (shouldCheck) {
                        box.getCheckModel().check(item);
                    } else {
                        box.getCheckModel().clearCheck(item);
                    }
                }
            }
        }
    }
}
