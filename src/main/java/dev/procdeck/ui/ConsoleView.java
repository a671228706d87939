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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * size, plus the filter bar. Follows the tail until the user scrolls up.
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
        jump.textProperty().bind(model.unseenProperty().asString("Jump to latest (%d new lines) ⤓"));
        jump.setOnAction(e -> jumpToLatest());
        StackPane stack = new StackPane(scroll, jump);
        StackPane.setAlignment(jump, Pos.BOTTOM_RIGHT);
        StackPane.setMargin(jump, new Insets(0, 24, 16, 0));
        setCenter(stack);
        setTop(filterBar());

        model.setRenderer(this::append, this::rerender);
        area.estimatedScrollYProperty().addListener((o, a, b) -> updateFollowing());
        model.timestampsProperty().addListener((o, a, b) -> rerender());
    }

    public InlineCssTextArea area() {
        return area;
    }

    private HBox filterBar() {
        setUpChoice(typeChoice, "Types", "typeFilter", model.types(), model::setHiddenTypes);
        setUpChoice(instanceChoice, "Instances", "instanceFilter", model.instances(), model::setHiddenInstances);
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
        search.textProperty().addListener((o, a, b) -> query.run());
        regex.setOnAction(e -> query.run());
        matchCase.setOnAction(e -> query.run());
        search.setOnAction(e -> findNext(true));
        model.queryErrorProperty().addListener((o, a, b) -> {
            search.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("invalid"), !b.isEmpty());
            search.setTooltip(b.isEmpty() ? null : new Tooltip("Invalid pattern: " + b));
        });
        Button prev = new Button("↑");
        prev.setTooltip(new Tooltip("Previous match (Shift+Enter)"));
        prev.setOnAction(e -> findNext(false));
        Button next = new Button("↓");
        next.setTooltip(new Tooltip("Next match (Enter)"));
        next.setOnAction(e -> findNext(true));
        search.setOnKeyPressed(e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ENTER && e.isShiftDown()) {
                findNext(false);
                e.consume();
            } else if (e.getCode() == javafx.scene.input.KeyCode.ESCAPE) {
                search.clear();
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
        copy.setTooltip(new Tooltip("Copy the selection"));
        copy.setOnAction(e -> area.copy());
        MenuButton save = new MenuButton("Save");
        MenuItem saveAll = new MenuItem("Save whole log…");
        saveAll.setOnAction(e -> saveLog(false));
        MenuItem saveFiltered = new MenuItem("Save filtered view…");
        saveFiltered.setOnAction(e -> saveLog(true));
        save.getItems().addAll(saveAll, saveFiltered);

        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(6, typeChoice, instanceChoice, out, err, sys, search, matchCase, regex, prev, next,
                matchInfo, spacer, time, wrap, clear, copy, save);
        // On a narrow window the search field gives up width; buttons keep their labels.
        bar.getChildren().forEach(n -> {
            if (n instanceof javafx.scene.control.Control c && n != search) {
                c.setMinWidth(Region.USE_PREF_SIZE);
            }
        });
        search.setMinWidth(90);
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

    public void saveLog(boolean filtered) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(filtered ? "Save filtered view" : "Save whole log");
        chooser.setInitialFileName("procdeck-" + java.time.LocalDate.now() + ".log");
        File file = chooser.showSaveDialog(window.get());
        if (file != null) {
            model.save(file.toPath(), filtered, ZoneId.systemDefault()).whenComplete((n, e) -> Platform.runLater(() ->
                    matchInfo.setText(e != null ? "save failed: " + e.getCause().getMessage() : "saved " + n + " lines")));
        }
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
            doc.addParagraph(List.of(new StyledSegment<>(String.format("⋯ %,d lines not drawn: more arrived in"
                    + " 100 ms than anyone can read; they are in the buffer (filter to find them) and the session log ⋯",
                    batch.skipped()), LineRenderer.SYSTEM_STYLE)));
        }
        // Lines beyond the cap would be trimmed at once: skip rendering them.
        int from = Math.max(0, lines.size() - model.shownCapacity());
        boolean ts = model.timestampsProperty().get();
        var filter = model.filterProperty().get();
        for (int i = from; i < lines.size(); i++) {
            doc.addParagraph(renderer.render(lines.get(i), ts, filter));
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
            }
            if (model.followingProperty().get()) {
                area.showParagraphAtBottom(area.getParagraphs().size() - 1);
            }
        } finally {
            scrollingProgrammatically = false;
        }
        updateMatchInfo();
    }

    private void rerender() {
        List<LogLine> lines = model.shownLines();
        scrollingProgrammatically = true;
        try {
            if (lines.isEmpty()) {
                area.clear();
            } else {
                boolean ts = model.timestampsProperty().get();
                var filter = model.filterProperty().get();
                ReadOnlyStyledDocumentBuilder<String, String, String> doc =
                        new ReadOnlyStyledDocumentBuilder<>(SEG_OPS, "", lines.size());
                for (LogLine line : lines) {
                    doc.addParagraph(renderer.render(line, ts, filter));
                }
                ReadOnlyStyledDocument<String, String, String> built = doc.build();
                area.replace(0, area.getLength(), built);
            }
            model.followingProperty().set(true);
            area.showParagraphAtBottom(Math.max(0, area.getParagraphs().size() - 1));
        } finally {
            scrollingProgrammatically = false;
        }
        updateMatchInfo();
    }

    private void updateMatchInfo() {
        if (!model.filterProperty().get().hasQuery()) {
            matchInfo.setText("");
            return;
        }
        int n = area.getParagraphs().size();
        matchInfo.setText((area.getLength() == 0 ? 0 : n) + " matching lines");
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

    private void findNext(boolean forward) {
        var filter = model.filterProperty().get();
        if (!filter.hasQuery()) {
            return;
        }
        String text = area.getText();
        Pattern p = Pattern.compile(regex.isSelected() ? search.getText() : Pattern.quote(search.getText()),
                matchCase.isSelected() ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        int caret = area.getCaretPosition();
        Matcher m = p.matcher(text);
        int start = -1;
        int end = -1;
        if (forward) {
            if (m.find(Math.min(text.length(), area.getSelection().getLength() > 0 ? area.getSelection().getEnd() : caret))
                    || m.find(0)) {
                start = m.start();
                end = m.end();
            }
        } else {
            int limit = area.getSelection().getLength() > 0 ? area.getSelection().getStart() : caret;
            while (m.find()) {
                if (m.start() >= limit && start >= 0) {
                    break;
                }
                if (m.start() < limit || start < 0) {
                    start = m.start();
                    end = m.end();
                }
            }
        }
        if (start >= 0) {
            model.followingProperty().set(false);
            area.selectRange(start, end);
            area.requestFollowCaret();
        }
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
