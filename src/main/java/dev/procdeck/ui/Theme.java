package dev.procdeck.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.scene.Parent;

/**
 * The window's look: AtlantaFX's Primer themes, light or dark, chosen in View › Theme. Primer rather than Nord:
 * its neutral greys leave the state badges' colours (green up, orange backing off, red crashed) as the only
 * colour in the table, the light and dark variants share every metric (switching moves nothing), and it is the
 * palette a developer knows from GitHub. The console keeps its own dark palette in both (procdeck.css).
 */
public enum Theme {
    LIGHT("Light"), DARK("Dark"), SYSTEM("System");

    /** Every dialog's content sits this far inside its frame (as the Attach dialog's always did), in both themes. */
    static final javafx.geometry.Insets DIALOG_PADDING = new javafx.geometry.Insets(8, 12, 4, 12);

    /** The style class set on the root in the dark theme, for procdeck.css's own dark colours. */
    static final String DARK_CLASS = "theme-dark";

    private final String label;

    Theme(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The saved spelling, lower case; anything unknown reads as SYSTEM. */
    public static Theme parse(String saved) {
        if (saved != null) {
            for (Theme t : values()) {
                if (t.name().equalsIgnoreCase(saved.trim())) {
                    return t;
                }
            }
        }
        return SYSTEM;
    }

    /** Whether this choice shows dark, given what the desktop prefers. */
    public boolean isDark(boolean desktopPrefersDark) {
        return this == DARK || (this == SYSTEM && desktopPrefersDark);
    }

    /**
     * The theme's stylesheet, named as a resource rather than through AtlantaFX's PrimerLight/PrimerDark classes:
     * those are compiled for Java 21, and procdeck runs on 17; the build copies just the stylesheets (see pom.xml).
     */
    static String stylesheet(boolean dark) {
        String name = dark ? "primer-dark.css" : "primer-light.css";
        java.net.URL url = Theme.class.getResource("/atlantafx/base/theme/" + name);
        if (url == null) {
            throw new IllegalStateException("AtlantaFX stylesheet " + name + " is missing from the class path"
                    + " (the build copies it into target/classes: run mvn process-resources, or use the jar)");
        }
        return url.toExternalForm();
    }

    /** Installs the theme for every window of the application and marks {@code root} for procdeck.css. */
    static void apply(boolean dark, Parent root) {
        Application.setUserAgentStylesheet(stylesheet(dark));
        if (root != null) {
            root.getStyleClass().remove(DARK_CLASS);
            if (dark) {
                root.getStyleClass().add(DARK_CLASS);
            }
        }
    }

    /**
     * Whether the desktop asks for dark windows. JavaFX 21 has no API for it, so this asks GNOME's setting
     * (which GNOME, and through xdg-desktop-portal most others, honour). Runs a process: never on the FX thread.
     * False when it cannot tell.
     */
    static boolean desktopPrefersDark() {
        try {
            Process p = new ProcessBuilder("gsettings", "get", "org.gnome.desktop.interface", "color-scheme")
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            String out = new String(p.getInputStream().readNBytes(256), StandardCharsets.UTF_8);
            return p.exitValue() == 0 && prefersDark(out);
        } catch (IOException | RuntimeException e) {
            return false; // no gsettings: not GNOME
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Reads gsettings' answer: {@code 'prefer-dark'} (and the older themes named ...-dark). */
    static boolean prefersDark(String gsettingsOutput) {
        return gsettingsOutput.toLowerCase(Locale.ROOT).contains("dark");
    }
}
