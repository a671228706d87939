package dev.procdeck.ui;

import dev.procdeck.procfile.ProcessType;

/**
 * Which palette colour a process type wears: the one of its position in the Procfile, the rule its port block and
 * {@code procdeck start}'s terminal colours follow. So a window that runs the project and one attached to it (whose
 * types come in Procfile order) paint a type alike, whatever order the types were added in; a reload that moves a
 * type moves its colour with it, on its swatch, its instances and its console prefix at once. A type a reload
 * removed keeps the colour it had while it stops.
 */
final class TypeColours {
    private TypeColours() {
    }

    static int of(ProcessType type) {
        return type.index();
    }
}
