package dev.procdeck.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * What the dashboard remembers between runs: recent projects and, per project, its formation and whether to
 * start on open. Backed by java.util.prefs; every call may touch disk, so callers keep it off the FX thread.
 */
public final class Workspace {
    private static final int MAX_RECENT = 10;
    private final Preferences root;

    public Workspace(Preferences root) {
        this.root = root;
    }

    public static Workspace user() {
        return new Workspace(Preferences.userRoot().node("dev/procdeck"));
    }

    public List<Path> recentProjects() {
        List<Path> recent = new ArrayList<>();
        for (int i = 0; i < MAX_RECENT; i++) {
            String p = root.get("recent." + i, null);
            if (p != null) {
                recent.add(Path.of(p));
            }
        }
        return recent;
    }

    public void rememberProject(Path folder) {
        List<Path> recent = recentProjects();
        Path normal = folder.toAbsolutePath().normalize();
        recent.remove(normal);
        recent.add(0, normal);
        for (int i = 0; i < MAX_RECENT; i++) {
            if (i < recent.size()) {
                root.put("recent." + i, recent.get(i).toString());
            } else {
                root.remove("recent." + i);
            }
        }
        flush();
    }

    public Optional<Path> lastProject() {
        return recentProjects().stream().findFirst();
    }

    /** The saved formation of a project, as {@code web=2,worker=1}. */
    public Optional<String> formation(Path project) {
        return Optional.ofNullable(node(project).get("formation", null));
    }

    public void saveFormation(Path project, String formation) {
        node(project).put("formation", formation);
        flush();
    }

    public boolean startOnOpen(Path project) {
        return node(project).getBoolean("startOnOpen", false);
    }

    public void setStartOnOpen(Path project, boolean start) {
        node(project).putBoolean("startOnOpen", start);
        flush();
    }

    public boolean crashNotifications() {
        return root.getBoolean("crashNotifications", true);
    }

    public void setCrashNotifications(boolean on) {
        root.putBoolean("crashNotifications", on);
        flush();
    }

    /** A dashboard setting (theme, window geometry, column widths), if one was saved. */
    public Optional<String> uiSetting(String key) {
        return Optional.ofNullable(root.node("ui").get(key, null));
    }

    public void putUiSetting(String key, String value) {
        root.node("ui").put(key, value);
        flush();
    }

    /** A setting of one project (a type's restart policy, say), if one was saved. */
    public Optional<String> projectSetting(Path project, String key) {
        return Optional.ofNullable(node(project).get(key, null));
    }

    public void putProjectSetting(Path project, String key, String value) {
        node(project).put(key, value);
        flush();
    }

    private Preferences node(Path project) {
        // Preference keys are limited in length and characters; a digest of the path names the project.
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(project.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return root.node("projects").node(HexFormat.of().formatHex(digest, 0, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void flush() {
        try {
            root.flush();
        } catch (BackingStoreException | IllegalStateException e) {
            // Unwritable home: settings live for this run only.
        }
    }
}
