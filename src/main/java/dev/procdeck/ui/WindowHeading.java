package dev.procdeck.ui;

import dev.procdeck.runtime.ControlClient;
import java.nio.file.Path;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * What the window says about what it shows: its title, the toolbar's name, the folder, the banner's problems
 * (and its offer to attach to the procdeck that already runs the folder) and what the empty table says. One
 * method per situation, so each text is written in one place. FX thread only.
 */
final class WindowHeading {
    static final String NOTHING_OPEN = "Open a folder with a Procfile (Ctrl+O), or drop one here.";

    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Procdeck");
    private final ReadOnlyObjectWrapper<Path> projectRoot = new ReadOnlyObjectWrapper<>(this, "projectRoot");
    private final ReadOnlyStringWrapper problems = new ReadOnlyStringWrapper(this, "problems", "");
    private final ReadOnlyStringWrapper placeholder = new ReadOnlyStringWrapper(this, "placeholder", NOTHING_OPEN);
    /** The socket of the procdeck that already runs the opened project: the banner offers to attach to it. */
    private final ReadOnlyObjectWrapper<Path> attachOffer = new ReadOnlyObjectWrapper<>(this, "attachOffer");
    /** The toolbar's heading: the project folder's name, or the attached app's. */
    private final ReadOnlyStringWrapper projectName = new ReadOnlyStringWrapper(this, "projectName", "No project");
    /** The banner's first words while another procdeck runs the folder, else empty. */
    private String otherProcdeckText = "";

    ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    ReadOnlyObjectProperty<Path> projectRootProperty() {
        return projectRoot.getReadOnlyProperty();
    }

    ReadOnlyStringProperty problemsProperty() {
        return problems.getReadOnlyProperty();
    }

    ReadOnlyStringProperty placeholderProperty() {
        return placeholder.getReadOnlyProperty();
    }

    ReadOnlyObjectProperty<Path> attachOfferProperty() {
        return attachOffer.getReadOnlyProperty();
    }

    ReadOnlyStringProperty projectNameProperty() {
        return projectName.getReadOnlyProperty();
    }

    /** The banner's words when another procdeck already runs the project. */
    static String otherProcdeckText(long pid) {
        return "procdeck (pid " + pid + ") already runs this project. Attach to see and drive it from this window"
                + " (its processes keep running when the window closes), or stop that procdeck and open the folder"
                + " again to run it here.";
    }

    /** A folder was opened; {@code runner}: the procdeck that already runs it, or null. */
    void folder(Path folder, ControlClient.Target runner) {
        otherProcdeckText = runner != null ? otherProcdeckText(runner.pid()) : "";
        attachOffer.set(runner != null ? runner.socket() : null);
        projectRoot.set(folder);
        String name = folder.getFileName() == null ? folder.toString() : folder.getFileName().toString();
        projectName.set(name);
        title.set(name + " — " + folder + " — Procdeck");
    }

    /** The files' problems (file:line: reason), after the words about another procdeck if one runs the folder. */
    void problems(String problemText) {
        problems.set(otherProcdeckText.isEmpty() ? problemText
                : problemText.isEmpty() ? otherProcdeckText : otherProcdeckText + "\n" + problemText);
    }

    /** One problem of the moment (a refused scale, a bad PORT), in place of the banner's text. */
    void problem(String text) {
        problems.set(text);
    }

    /** The open folder's files could not be read: nothing shows, the placeholder says why and what to do. */
    void cannotOpen(Path folder, String problemText) {
        placeholder.set(folder + " cannot be opened:\n" + problemText
                + "\nFix the file, then Reload (Ctrl+R), or open another folder.");
    }

    /** What the empty table says while the app shown has no types. */
    void noTypes() {
        placeholder.set("No process types");
    }

    /** Another procdeck runs the folder: this window shows no rows. */
    void runsElsewhere() {
        placeholder.set("Another procdeck runs this project: Attach (above) to see and drive its processes here.");
    }

    /** This window shows the procdeck on {@code t}: nothing of its folder is read here (it may be elsewhere). */
    void attached(ControlClient.Target t, boolean forwarded) {
        attachOffer.set(null);
        otherProcdeckText = "";
        projectRoot.set(null);
        projectName.set(t.app() + " (attached)");
        // A socket forwarded with ssh -L: the title says which.
        title.set(t.app() + " \u2014 attached to procdeck " + t.pid() + " (" + t.root() + ")"
                + (forwarded ? " via " + t.socket() : "") + " \u2014 Procdeck");
        problems.set("");
        noTypes();
    }

    /** The procdeck attached to is gone (or replaced). */
    void detached(String why) {
        title.set(projectName.get().replace(" (attached)", "") + " \u2014 detached \u2014 Procdeck");
        projectName.set(projectName.get().replace(" (attached)", " (detached)"));
        placeholder.set(why + ".\nAttach again (File \u203a Attach\u2026) or open a folder (Ctrl+O).");
    }
}
