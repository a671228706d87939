package dev.procdeck.ui;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which palette colour each process type of the open project wears. A colour belongs to the type's NAME:
 * the first Procfile gives colours in its order, a type added by a reload takes the lowest colour no type
 * holds, and reordering or removing lines never repaints a type (its swatch, its instances and its console
 * prefix stay alike). {@link #reset()} starts over for another project.
 */
final class TypeColours {
    private final Map<String, Integer> byName = new HashMap<>();

    /** The colour index of {@code type}, assigning one on first sight. */
    int of(String type) {
        Integer known = byName.get(type);
        if (known != null) {
            return known;
        }
        Set<Integer> taken = new HashSet<>(byName.values());
        int index = 0;
        while (taken.contains(index)) {
            index++;
        }
        byName.put(type, index);
        return index;
    }

    /** Assigns colours to {@code types} (in order) and returns a copy of the whole assignment. */
    Map<String, Integer> assign(List<String> types) {
        types.forEach(this::of);
        return Map.copyOf(byName);
    }

    void reset() {
        byName.clear();
    }
}
