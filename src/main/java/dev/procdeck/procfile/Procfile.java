package dev.procdeck.procfile;

import java.util.List;
import java.util.Optional;

/**
 * A parsed Procfile: its process types in file order, plus warnings that did not stop parsing.
 *
 * <p>A type named {@code release} is Heroku's release phase, not a process type of the formation: it runs once
 * before the formation starts (and before a reload that changes commands) and is never scaled, listed in
 * {@code ps} or exported as a service. It is kept apart here, in one place, so that nothing that works on
 * {@link #types()} (formation, scale controls, ps, reload, dependencies) ever sees it. Its {@link ProcessType#index()}
 * still counts in the port rule, as in Foreman.
 *
 * @param release the {@code release} type, or null when the Procfile has none
 */
public record Procfile(String source, List<ProcessType> types, List<ParseProblem> warnings, ProcessType release) {

    /** The name of the release phase's type, as Heroku spells it. */
    public static final String RELEASE = "release";

    public Procfile {
        types = List.copyOf(types);
        warnings = List.copyOf(warnings);
        if (release == null) {
            release = types.stream().filter(t -> t.name().equals(RELEASE)).findFirst().orElse(null);
        }
        types = types.stream().filter(t -> !t.name().equals(RELEASE)).toList();
    }

    /** A Procfile as its parser reads it: a {@code release} among {@code types} becomes {@link #release()}. */
    public Procfile(String source, List<ProcessType> types, List<ParseProblem> warnings) {
        this(source, types, warnings, null);
    }

    /** A type of the formation (never the release phase: see {@link #releasePhase()}). */
    public Optional<ProcessType> type(String name) {
        return types.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public List<String> typeNames() {
        return types.stream().map(ProcessType::name).toList();
    }

    /** The release phase's type, if the Procfile has one. */
    public Optional<ProcessType> releasePhase() {
        return Optional.ofNullable(release);
    }

    /** A type whose command can be run once by name ({@code procdeck run release}): one of the formation, or release. */
    public Optional<ProcessType> runnable(String name) {
        return type(name).or(() -> releasePhase().filter(t -> t.name().equals(name)));
    }
}
