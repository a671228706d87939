package dev.procdeck.procfile;

/** Parsers of {@link Schedule} expressions. */
final class Schedules {
    private Schedules() {
    }

    static Schedule parse(String text) {
        // Implemented with procdeck.yml support (issue 9).
        throw new IllegalArgumentException("schedules are not supported yet");
    }
}
