package dev.procdeck.export;

import java.util.Locale;

/**
 * Which variables are secrets: those whose name contains KEY, SECRET, TOKEN or PASSWORD, in any case. Their
 * values are written only into a Kubernetes Secret; systemd units reference the .env holding them instead.
 */
public final class Secrets {
    private Secrets() {
    }

    public static boolean isSecret(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return upper.contains("KEY") || upper.contains("SECRET") || upper.contains("TOKEN") || upper.contains("PASSWORD");
    }
}
