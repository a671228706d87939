package dev.procdeck.procfile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The optional procdeck.yml beside the Procfile. Without one, {@link #NONE}: today's behaviour.
 *
 * @param file      where it was read from, or null when there is none
 * @param formation default formation (-m and the dashboard's saved formation win over it); empty if not given
 * @param types     per-type settings, keyed by type name; only types of the Procfile
 * @param warnings  unknown keys and other findings that do not stop the project from running
 * @param router    the {@code router:} settings ({@link RouterConfig#DEFAULTS} when not given)
 */
public record ProjectConfig(Path file, Map<String, Integer> formation, Map<String, TypeConfig> types,
                            List<ParseProblem> warnings, RouterConfig router) {

    public static final String FILE_NAME = "procdeck.yml";

    public static final ProjectConfig NONE = new ProjectConfig(null, Map.of(), Map.of(), List.of(), RouterConfig.DEFAULTS);

    public ProjectConfig {
        formation = Map.copyOf(formation);
        types = Map.copyOf(types);
        warnings = List.copyOf(warnings);
        router = router == null ? RouterConfig.DEFAULTS : router;
    }

    public ProjectConfig(Path file, Map<String, Integer> formation, Map<String, TypeConfig> types,
                         List<ParseProblem> warnings) {
        this(file, formation, types, warnings, RouterConfig.DEFAULTS);
    }

    /** What the parser produces; the loader adds where the file is with {@link #withFile}. */
    public static ProjectConfig of(Map<String, Integer> formation, Map<String, TypeConfig> types,
                                   List<ParseProblem> warnings) {
        return new ProjectConfig(null, formation, types, warnings, RouterConfig.DEFAULTS);
    }

    public ProjectConfig withRouter(RouterConfig router) {
        return new ProjectConfig(file, formation, types, warnings, router);
    }

    public ProjectConfig withFile(Path file) {
        return new ProjectConfig(file, formation, types, warnings, router);
    }

    /** The settings of a type, {@link TypeConfig#DEFAULTS} when procdeck.yml does not mention it. */
    public TypeConfig type(String name) {
        return types.getOrDefault(name, TypeConfig.DEFAULTS);
    }

    public boolean isScheduled(String type) {
        return type(type).isScheduled();
    }
}
