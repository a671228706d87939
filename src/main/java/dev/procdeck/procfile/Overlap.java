package dev.procdeck.procfile;

/** What a scheduled type does when its previous run is still going at the next tick. */
public enum Overlap {
    /** Skip the tick (the default): at most one run at a time. */
    SKIP,
    /** Run once more as soon as the current run ends (at most one waiting). */
    QUEUE,
    /** Start another run beside the current one. */
    ALLOW
}
