package dev.procdeck.procfile;

import java.util.Locale;

/** When an instance that ended on its own is started again: the choices of {@code --restart} and procdeck.yml. */
public enum RestartMode {
    /** Restart after any exit, 0 included: processes are meant to run forever. */
    ALWAYS,
    /** Restart only after a non-zero exit or a signal. */
    ON_FAILURE,
    /** Never restart. */
    NEVER;

    public static final String CHOICES = "always, on-failure or never";

    public static RestartMode parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "always" -> ALWAYS;
            case "on-failure" -> ON_FAILURE;
            case "never", "no" -> NEVER;
            default -> throw new IllegalArgumentException(
                    "unknown restart policy '" + text + "'; use " + CHOICES);
        };
    }

    /** The spelling users type: {@code on-failure}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
