package dev.procdeck.logs;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * Which lines to show: hidden types, hidden instances, shown streams and a text query (plain or regex,
 * case-sensitive or not, compiled by {@link UserRegex}: linear time whatever the pattern) matched against the
 * text without colour codes. Immutable; the "with" methods return a changed copy.
 */
public final class LogFilter {
    public static final LogFilter ALL = new LogFilter(Set.of(), Set.of(), EnumSet.allOf(LogStream.class), null, "",
            false, false, Set.of());

    private final Set<String> hiddenTypes;
    private final Set<String> hiddenInstances;
    private final Set<LogStream> streams;
    private final Pattern pattern;
    private final String query;
    private final boolean regex;
    private final boolean caseSensitive;
    /** Levels not shown; a line without a recognisable level ({@link LogLevel#NONE}) can be hidden too. */
    private final Set<LogLevel> hiddenLevels;

    private LogFilter(Set<String> hiddenTypes, Set<String> hiddenInstances, Set<LogStream> streams, Pattern pattern,
                      String query, boolean regex, boolean caseSensitive, Set<LogLevel> hiddenLevels) {
        this.hiddenLevels = Set.copyOf(hiddenLevels);
        this.hiddenTypes = Set.copyOf(hiddenTypes);
        this.hiddenInstances = Set.copyOf(hiddenInstances);
        this.streams = streams.isEmpty() ? EnumSet.noneOf(LogStream.class) : EnumSet.copyOf(streams);
        this.pattern = pattern;
        this.query = query;
        this.regex = regex;
        this.caseSensitive = caseSensitive;
    }

    public LogFilter withHiddenTypes(Set<String> types) {
        return new LogFilter(types, hiddenInstances, streams, pattern, query, regex, caseSensitive, hiddenLevels);
    }

    public LogFilter withHiddenInstances(Set<String> instances) {
        return new LogFilter(hiddenTypes, instances, streams, pattern, query, regex, caseSensitive, hiddenLevels);
    }

    public LogFilter withStreams(Set<LogStream> shown) {
        return new LogFilter(hiddenTypes, hiddenInstances, shown, pattern, query, regex, caseSensitive, hiddenLevels);
    }

    /**
     * @throws UserRegex.InvalidRegexException when {@code regex} is set and the query is not a valid pattern
     */
    public LogFilter withQuery(String text, boolean asRegex, boolean matchCase) {
        Pattern p = null;
        if (text != null && !text.isEmpty()) {
            p = asRegex ? UserRegex.compile(text, matchCase) : UserRegex.literal(text, matchCase);
        }
        return new LogFilter(hiddenTypes, hiddenInstances, streams, p, text == null ? "" : text, asRegex, matchCase,
                hiddenLevels);
    }

    public LogFilter withHiddenLevels(Set<LogLevel> levels) {
        return new LogFilter(hiddenTypes, hiddenInstances, streams, pattern, query, regex, caseSensitive, levels);
    }

    public Set<LogLevel> hiddenLevels() {
        return hiddenLevels;
    }

    public boolean regex() {
        return regex;
    }

    public boolean caseSensitive() {
        return caseSensitive;
    }

    /** True when the filter can show only part of what an instance printed (more than streams and instances). */
    public boolean hasQueryOrLevels() {
        return pattern != null || !hiddenLevels.isEmpty();
    }

    public Set<String> hiddenTypes() {
        return hiddenTypes;
    }

    public Set<String> hiddenInstances() {
        return hiddenInstances;
    }

    public Set<LogStream> streams() {
        return EnumSet.copyOf(streams.isEmpty() ? EnumSet.noneOf(LogStream.class) : streams);
    }

    public String query() {
        return query;
    }

    public boolean hasQuery() {
        return pattern != null;
    }

    public boolean matches(LogLine line) {
        if (!streams.contains(line.stream())) {
            return false;
        }
        if (!hiddenInstances.isEmpty() && hiddenInstances.contains(line.instance())) {
            return false;
        }
        if (!hiddenTypes.isEmpty() && hiddenTypes.contains(line.type())) {
            return false;
        }
        if (!hiddenLevels.isEmpty() && hiddenLevels.contains(LogLevel.of(line))) {
            return false;
        }
        return pattern == null || pattern.matcher(AnsiText.stripColours(line)).find();
    }

    /** Start/end pairs of query matches in a plain (colour-free) text, for highlighting. */
    public List<int[]> matchRanges(String plainText) {
        List<int[]> ranges = new ArrayList<>();
        if (pattern == null) {
            return ranges;
        }
        Matcher m = pattern.matcher(plainText);
        while (m.find()) {
            if (m.end() > m.start()) {
                ranges.add(new int[] {m.start(), m.end()});
            }
        }
        return ranges;
    }
}
