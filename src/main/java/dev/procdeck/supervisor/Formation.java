package dev.procdeck.supervisor;

import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Procfile;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How many instances of each process type run: {@code all=1,web=2,worker=0}, as Foreman's {@code -m}. A type
 * not named gets the {@code all} count, which is 0 when a formation names types without {@code all}.
 */
public final class Formation {
    /** Typed scale values above this are refused: a slip of the keyboard should not fork 10 000 processes. */
    public static final int MAX_SCALE = 100;

    private final Integer all;
    private final Map<String, Integer> counts;

    private Formation(Integer all, Map<String, Integer> counts) {
        this.all = all;
        this.counts = Map.copyOf(counts);
    }

    public static Formation allOne() {
        return new Formation(1, Map.of());
    }

    /** Parses {@code all=1,web=2} (commas or spaces between entries). */
    public static Formation parse(String text) {
        Integer all = null;
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return allOne();
        }
        for (String entry : text.trim().split("[,\\s]+")) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("invalid formation entry '" + entry + "'; write type=count, as in web=2");
            }
            String name = entry.substring(0, eq).trim();
            int count;
            try {
                count = Integer.parseInt(entry.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid count in '" + entry + "'; counts are whole numbers", e);
            }
            if (count < 0) {
                throw new IllegalArgumentException("negative count in '" + entry + "'; use 0 to run none");
            }
            if (count > MAX_SCALE) {
                throw new IllegalArgumentException("count in '" + entry + "' is above the maximum of " + MAX_SCALE);
            }
            // A second mention would silently override the first; say which one the user meant instead.
            boolean repeated = name.equals("all") ? all != null : counts.containsKey(name);
            if (repeated) {
                throw new IllegalArgumentException("'" + name + "' is named more than once in formation '" + text.trim()
                        + "'; give each process type one count");
            }
            if (name.equals("all")) {
                all = count;
            } else {
                counts.put(name, count);
            }
        }
        return new Formation(all, counts);
    }

    /** Only these types, one each (for {@code start web worker}). */
    public static Formation only(Iterable<String> types) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String t : types) {
            if (counts.put(t, 1) != null) {
                // As with -m web=1,web=2: a type named twice is a slip, not a wish for two instances.
                throw new IllegalArgumentException("'" + t + "' is named more than once; name each process type once"
                        + " (for more instances use -m " + t + "=N)");
            }
        }
        return new Formation(0, counts);
    }

    /** The count of every Procfile type, in Procfile order; unknown names in the formation are an error. */
    public Map<String, Integer> resolve(Procfile procfile) {
        for (String name : counts.keySet()) {
            if (procfile.type(name).isEmpty() && procfile.releasePhase().filter(t -> t.name().equals(name)).isPresent()) {
                throw new IllegalArgumentException("'" + name + "' is the release phase and not part of the formation:"
                        + " it runs once before the formation starts (--skip-release skips it); remove it from the"
                        + " formation");
            }
            if (procfile.type(name).isEmpty()) {
                throw new IllegalArgumentException("unknown process type '" + name + "' in formation; "
                        + (procfile.types().isEmpty() ? procfile.source() + " defines none"
                        : "valid types (from " + procfile.source() + "): " + String.join(", ", procfile.typeNames())));
            }
        }
        int fallback = all != null ? all : (counts.isEmpty() ? 1 : 0);
        Map<String, Integer> resolved = new LinkedHashMap<>();
        for (ProcessType type : procfile.types()) {
            resolved.put(type.name(), counts.getOrDefault(type.name(), fallback));
        }
        return resolved;
    }

    /** Renders resolved counts as {@code web=2,worker=1}. */
    public static String format(Map<String, Integer> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
