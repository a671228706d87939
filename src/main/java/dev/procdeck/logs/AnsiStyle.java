package dev.procdeck.logs;

/**
 * The SGR state of a run of text. Colours are 24-bit RGB, or -1 for the default; the 16 and 256 colour
 * palettes are mapped to RGB here so that every renderer agrees.
 */
public record AnsiStyle(int foreground, int background, boolean bold, boolean dim, boolean italic,
                        boolean underline, boolean inverse, boolean strikethrough) {

    public static final AnsiStyle DEFAULT = new AnsiStyle(-1, -1, false, false, false, false, false, false);

    // xterm's default 16-colour palette.
    private static final int[] BASIC = {
        0x000000, 0xcd3131, 0x0dbc79, 0xe5e510, 0x2472c8, 0xbc3fbc, 0x11a8cd, 0xe5e5e5,
        0x666666, 0xf14c4c, 0x23d18b, 0xf5f543, 0x3b8eea, 0xd670d6, 0x29b8db, 0xffffff
    };

    public boolean isDefault() {
        return equals(DEFAULT);
    }

    /** Applies SGR parameters such as {@code "1;31"} or {@code "38;5;208"}. */
    public AnsiStyle apply(String params) {
        String[] parts = params.isEmpty() ? new String[] {"0"} : params.split("[;:]", -1);
        int fg = foreground;
        int bg = background;
        boolean b = bold;
        boolean d = dim;
        boolean it = italic;
        boolean u = underline;
        boolean inv = inverse;
        boolean st = strikethrough;
        for (int i = 0; i < parts.length; i++) {
            int code = parseInt(parts[i]);
            switch (code) {
                case 0 -> {
                    fg = -1; bg = -1; b = false; d = false; it = false; u = false; inv = false; st = false;
                }
                case 1 -> b = true;
                case 2 -> d = true;
                case 3 -> it = true;
                case 4 -> u = true;
                case 7 -> inv = true;
                case 9 -> st = true;
                case 21, 24 -> u = false;
                case 22 -> { b = false; d = false; }
                case 23 -> it = false;
                case 27 -> inv = false;
                case 29 -> st = false;
                case 39 -> fg = -1;
                case 49 -> bg = -1;
                case 38, 48 -> {
                    int colour = -1;
                    if (i + 2 < parts.length && parseInt(parts[i + 1]) == 5) {
                        colour = palette256(parseInt(parts[i + 2]));
                        i += 2;
                    } else if (i + 4 < parts.length && parseInt(parts[i + 1]) == 2) {
                        colour = (clamp(parseInt(parts[i + 2])) << 16) | (clamp(parseInt(parts[i + 3])) << 8)
                                | clamp(parseInt(parts[i + 4]));
                        i += 4;
                    } else {
                        i = parts.length; // malformed extended colour: ignore the rest
                    }
                    if (code == 38) {
                        fg = colour;
                    } else {
                        bg = colour;
                    }
                }
                default -> {
                    if (code >= 30 && code <= 37) {
                        fg = BASIC[code - 30];
                    } else if (code >= 40 && code <= 47) {
                        bg = BASIC[code - 40];
                    } else if (code >= 90 && code <= 97) {
                        fg = BASIC[code - 90 + 8];
                    } else if (code >= 100 && code <= 107) {
                        bg = BASIC[code - 100 + 8];
                    }
                }
            }
        }
        return new AnsiStyle(fg, bg, b, d, it, u, inv, st);
    }

    static int palette256(int index) {
        if (index < 0 || index > 255) {
            return -1;
        }
        if (index < 16) {
            return BASIC[index];
        }
        if (index < 232) {
            int i = index - 16;
            int[] steps = {0, 95, 135, 175, 215, 255};
            return (steps[i / 36] << 16) | (steps[(i / 6) % 6] << 8) | steps[i % 6];
        }
        int grey = 8 + (index - 232) * 10;
        return (grey << 16) | (grey << 8) | grey;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static int parseInt(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return s.length() > 6 ? -1 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
