package dev.procdeck.logs;

import java.time.Instant;

/**
 * One line of output, exactly one line of one child (or one procdeck event).
 *
 * @param sequence global arrival order across all instances, assigned by {@link LogBus}
 * @param instance the instance it belongs to ({@code web.1}), or {@link #PROCDECK} for events about no instance
 * @param text     the line without its newline; may contain ANSI SGR sequences (never other controls)
 * @param plain    the text has no escape sequence at all, so it is its own plain rendering
 */
public record LogLine(long sequence, Instant time, String instance, LogStream stream, String text, boolean plain) {

    public LogLine(long sequence, Instant time, String instance, LogStream stream, String text) {
        this(sequence, time, instance, stream, text, text.indexOf('\u001b') < 0);
    }

    /** Instance name used for events that concern the whole app rather than one instance. */
    public static final String PROCDECK = "procdeck";

    /** The process type of the instance: {@code web} for {@code web.1}. */
    public String type() {
        return typeOf(instance);
    }

    public static String typeOf(String instance) {
        int dot = instance.lastIndexOf('.');
        return dot < 0 ? instance : instance.substring(0, dot);
    }
}
