package dev.procdeck.ui;

import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * A row of the process table: a process type or one of its instances. Read-only properties for what the
 * table shows; commands live on the view model.
 */
public abstract sealed class DeckRow permits TypeRow, InstanceRow {
    final ReadOnlyStringWrapper name = new ReadOnlyStringWrapper(this, "name", "");
    final ReadOnlyStringWrapper state = new ReadOnlyStringWrapper(this, "state", "");
    /** A CSS class for the state badge: up, starting, stopping, backoff, crashed, stopped, failed, mixed. */
    final ReadOnlyStringWrapper stateKind = new ReadOnlyStringWrapper(this, "stateKind", "stopped");
    final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper(this, "detail", "");
    final ReadOnlyStringWrapper pid = new ReadOnlyStringWrapper(this, "pid", "");
    final ReadOnlyStringWrapper ports = new ReadOnlyStringWrapper(this, "ports", "");
    final ReadOnlyStringWrapper uptime = new ReadOnlyStringWrapper(this, "uptime", "");
    final ReadOnlyIntegerWrapper restarts = new ReadOnlyIntegerWrapper(this, "restarts", 0);
    final ReadOnlyStringWrapper lastExit = new ReadOnlyStringWrapper(this, "lastExit", "");
    final ReadOnlyStringWrapper cpu = new ReadOnlyStringWrapper(this, "cpu", "");
    final ReadOnlyStringWrapper memory = new ReadOnlyStringWrapper(this, "memory", "");
    /** What the router measured for this row: only the routed type's row and its instances' have figures. */
    final RequestFigures requests = new RequestFigures();
    /** The type's colour ({@link TypeColours}); it moves with the type's Procfile position on a reload. */
    private int colourIndex;

    DeckRow(int colourIndex) {
        this.colourIndex = colourIndex;
    }

    public int colourIndex() {
        return colourIndex;
    }

    void setColourIndex(int index) {
        this.colourIndex = index;
    }

    public ReadOnlyStringProperty nameProperty() {
        return name.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty stateProperty() {
        return state.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty stateKindProperty() {
        return stateKind.getReadOnlyProperty();
    }

    /** The last event in words, for tooltips. */
    public ReadOnlyStringProperty detailProperty() {
        return detail.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty pidProperty() {
        return pid.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty portsProperty() {
        return ports.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty uptimeProperty() {
        return uptime.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty restartsProperty() {
        return restarts.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty lastExitProperty() {
        return lastExit.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty cpuProperty() {
        return cpu.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty memoryProperty() {
        return memory.getReadOnlyProperty();
    }

    /** Requests per second through the router ("12 req/s"); empty for rows no router serves. */
    public ReadOnlyStringProperty requestsProperty() {
        return requests.textProperty();
    }

    static String kindOf(dev.procdeck.supervisor.InstanceState s) {
        return switch (s) {
            case UP -> "up";
            case STARTING -> "starting";
            case STOPPING -> "stopping";
            case BACKING_OFF -> "backoff";
            case CRASHED -> "crashed";
            case FAILED -> "failed";
            case EXITED -> "exited";
            case STOPPED -> "stopped";
        };
    }

    /** Resident memory as {@code procdeck ps} prints it ({@link dev.procdeck.os.ByteSize}); nothing for none. */
    static String bytes(long b) {
        return b <= 0 ? "" : dev.procdeck.os.ByteSize.format(b);
    }
}
