package dev.procdeck.ui;

import javafx.scene.paint.Color;

/** One colour per process type, by its Procfile position; chosen to read well on the dark console and light table. */
final class Palette {
    private static final String[] TYPE_COLOURS = {
        "#4fc1ff", "#e5c07b", "#98c379", "#c678dd", "#ff7b72", "#56b6c2", "#d19a66", "#61afef", "#f78c6c", "#a9dc76",
        "#ff9ac1", "#b4befe"
    };

    private Palette() {
    }

    static String typeHex(int index) {
        return TYPE_COLOURS[Math.floorMod(index, TYPE_COLOURS.length)];
    }

    static Color typeColour(int index) {
        return Color.web(typeHex(index));
    }

    static String hex(int rgb) {
        return String.format("#%06x", rgb & 0xffffff);
    }
}
