package dev.procdeck.cli;

import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectFileException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validates the Procfile and .env files; exits 0 if they are usable, 1 if not.")
public final class CheckCommand implements Callable<Integer> {
    @Mixin
    ProjectOptions project;

    @Override
    public Integer call() {
        try {
            Project p = project.load(System.getenv());
            Problems.print(System.err, p.procfile().warnings());
            System.out.println("valid procfile detected (" + String.join(", ", p.procfile().typeNames()) + ")");
            return 0;
        } catch (ProjectFileException e) {
            Problems.print(System.err, e.problems());
            return 1;
        }
    }
}
