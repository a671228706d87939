package dev.procdeck.cli;

import dev.procdeck.procfile.Procfile;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectFileException;
import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.Formation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * For the shell completion script (see {@link CompletionCommand}): prints the project's process type names, or
 * its instance names ({@code web.1}, {@code web.2}, ...), one a line. Hidden: not a command users type. It
 * never prints an error: a folder without a usable Procfile simply has no names to offer at a TAB.
 */
@Command(name = "complete-names", hidden = true,
        description = "Prints process type or instance names for shell completion.")
public final class CompleteNamesCommand implements Callable<Integer> {
    enum Kind { types, instances }

    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", defaultValue = "types",
            description = "types or instances (types and their instances)")
    Kind kind;

    @Mixin
    ProjectOptions project;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Project p;
        try {
            p = project.load(System.getenv());
        } catch (ProjectFileException | RuntimeException e) {
            return 0;
        }
        List<String> names = kind == Kind.types ? p.procfile().typeNames()
                : instanceNames(p.procfile(), formation(p));
        java.io.PrintWriter out = spec.commandLine().getOut();
        names.forEach(out::println);
        out.flush();
        return 0;
    }

    /**
     * The formation a session of this project most likely runs: the dashboard's saved one, else procdeck.yml's,
     * else one of each.
     */
    private static Formation formation(Project p) {
        try {
            Optional<String> saved = Workspace.user().formation(p.root());
            if (saved.isPresent()) {
                return Formation.parse(saved.get());
            }
            Map<String, Integer> configured = p.config().formation();
            if (!configured.isEmpty()) {
                return Formation.parse(Formation.format(configured));
            }
        } catch (RuntimeException e) {
            // An unreadable preference store or a stale saved formation: fall back to one of each.
        }
        return Formation.allOne();
    }

    /** Every type name, each followed by its instances' names: {@code web web.1 web.2 worker worker.1}. */
    static List<String> instanceNames(Procfile procfile, Formation formation) {
        Map<String, Integer> counts;
        try {
            counts = formation.resolve(procfile);
        } catch (IllegalArgumentException e) {
            counts = Formation.allOne().resolve(procfile);
        }
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Integer> type : counts.entrySet()) {
            names.add(type.getKey());
            // At least .1: a type scaled to 0 can still be started or scaled by its instance name.
            for (int i = 1; i <= Math.max(1, type.getValue()); i++) {
                names.add(type.getKey() + "." + i);
            }
        }
        return names;
    }
}
