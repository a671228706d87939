package dev.procdeck.logs;

/** Where a log line came from: a child's stdout or stderr, or procdeck itself (lifecycle events). */
public enum LogStream {
    STDOUT, STDERR, SYSTEM
}
