package dev.procdeck.runtime;

import java.util.Set;

/** Nothing open (or a folder that could not be): nothing to show, every command does nothing. */
public final class NoApp extends InertApp {
    public static final NoApp INSTANCE = new NoApp();

    private NoApp() {
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }
}
