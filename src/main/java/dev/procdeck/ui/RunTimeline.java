package dev.procdeck.ui;

import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.css.CssMetaData;
import javafx.css.SimpleStyleableObjectProperty;
import javafx.css.StyleConverter;
import javafx.css.Styleable;
import javafx.css.StyleableObjectProperty;
import javafx.css.StyleableProperty;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;

/**
 * A type's starts and exits of the last minutes as a strip: a mark per start (blue) and per exit, coloured by
 * how it ended (green clean, grey stopped by procdeck or the user, red crashed). Hovering a mark says what it was.
 */
final class RunTimeline extends Canvas {
    static final Duration SPAN = Duration.ofMinutes(5);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** What a mark is; its colour comes from the style sheet ({@code -pd-start}, {@code -pd-clean}, ...). */
    enum Kind {
        START("started", "-pd-start"),
        CLEAN("exited cleanly", "-pd-clean"),
        STOPPED("stopped", "-pd-stopped"),
        CRASHED("crashed", "-pd-crashed");

        final String words;
        final CssMetaData<RunTimeline, Paint> css;

        Kind(String words, String property) {
            this.words = words;
            this.css = new CssMetaData<>(property, StyleConverter.getPaintConverter(), Color.GRAY) {
                @Override
                public boolean isSettable(RunTimeline t) {
                    return true;
                }

                @Override
                public StyleableProperty<Paint> getStyleableProperty(RunTimeline t) {
                    return t.colours.get(Kind.this);
                }
            };
        }
    }

    private static final List<CssMetaData<? extends Styleable, ?>> CSS;

    static {
        List<CssMetaData<? extends Styleable, ?>> all = new ArrayList<>(Canvas.getClassCssMetaData());
        for (Kind k : Kind.values()) {
            all.add(k.css);
        }
        CSS = List.copyOf(all);
    }

    private final java.util.Map<Kind, StyleableObjectProperty<Paint>> colours = new java.util.EnumMap<>(Kind.class);

    @Override
    public List<CssMetaData<? extends Styleable, ?>> getCssMetaData() {
        return CSS;
    }

    record Event(Instant at, String instance, Kind kind, String detail) {
        String describe(ZoneId zone) {
            return TIME.format(at.atZone(zone)) + "  " + instance + " " + kind.words + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    /** The events of one instance; at most {@link #MAX} (a crash loop must not grow it). */
    static final class Log {
        static final int MAX = 200;
        private final ArrayDeque<Event> events = new ArrayDeque<>();
        private InstanceSnapshot last;

        /** Records what changed from the previous snapshot: a new start, or the end of a run. */
        void record(InstanceSnapshot s) {
            InstanceSnapshot prev = last;
            last = s;
            if (s.startedAt() != null && s.state().hasProcess() && (prev == null || !s.startedAt().equals(prev.startedAt()))) {
                add(new Event(s.startedAt(), s.name(), Kind.START, ""));
            }
            if (prev != null && prev.state().hasProcess() && !s.state().hasProcess() && s.lastExit() != null) {
                Kind kind = prev.state() == InstanceState.STOPPING ? Kind.STOPPED
                        : s.lastExit().success() ? Kind.CLEAN : Kind.CRASHED;
                add(new Event(s.since() == null ? Instant.now() : s.since(), s.name(), kind, s.lastExit().describe()));
            }
        }

        private void add(Event e) {
            events.addLast(e);
            while (events.size() > MAX) {
                events.removeFirst();
            }
        }

        List<Event> events() {
            return List.copyOf(events);
        }
    }

    private List<Event> shown = List.of();
    private Instant end = Instant.EPOCH;
    private final Tooltip tip = new Tooltip();

    RunTimeline(double width, double height) {
        super(width, height);
        for (Kind k : Kind.values()) {
            SimpleStyleableObjectProperty<Paint> p = new SimpleStyleableObjectProperty<>(k.css, this, k.name(), Color.GRAY);
            p.addListener(o -> draw(shown, end)); // the style sheet's colours arrived after the first drawing
            colours.put(k, p);
        }
        getStyleClass().add("run-timeline");
        setOnMouseMoved(e -> {
            Event near = nearest(e.getX());
            tip.setText(near == null ? "No starts or exits in the last " + SPAN.toMinutes() + " minutes"
                    : near.describe(ZoneId.systemDefault()));
        });
        Tooltip.install(this, tip);
        tip.setText("No starts or exits in the last " + SPAN.toMinutes() + " minutes");
    }

    /** Draws every event of the last {@link #SPAN} before {@code now}. */
    void draw(List<Event> events, Instant now) {
        end = now;
        Instant from = now.minus(SPAN);
        List<Event> kept = new ArrayList<>();
        for (Event e : events) {
            if (!e.at().isBefore(from)) {
                kept.add(e);
            }
        }
        kept.sort(Comparator.comparing(Event::at));
        shown = kept;
        GraphicsContext g = getGraphicsContext2D();
        double w = getWidth();
        double h = getHeight();
        g.clearRect(0, 0, w, h);
        g.setFill(Color.gray(0.5, 0.25));
        g.fillRect(0, h / 2 - 0.5, w, 1);
        for (Event e : kept) {
            double x = xOf(e.at());
            g.setFill(colours.get(e.kind()).get());
            if (e.kind() == Kind.START) {
                g.fillRect(x - 1, 2, 2, h - 4);
            } else {
                g.fillOval(x - 3, h / 2 - 3, 6, 6);
            }
        }
    }

    private double xOf(Instant at) {
        double fraction = 1 - (double) Duration.between(at, end).toMillis() / SPAN.toMillis();
        return 3 + Math.max(0, Math.min(1, fraction)) * (getWidth() - 6);
    }

    private Event nearest(double x) {
        Event best = null;
        double bestDistance = 6;
        for (Event e : shown) {
            double d = Math.abs(xOf(e.at()) - x);
            if (d <= bestDistance) {
                bestDistance = d;
                best = e;
            }
        }
        return best;
    }
}
