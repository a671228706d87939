package dev.procdeck.cli;

import dev.procdeck.procfile.ParseProblem;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectFileException;
import dev.procdeck.supervisor.Formation;
import dev.procdeck.supervisor.Ports;
import java.util.List;
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
            // What `start` without -p/-m would refuse, check reports too: a bad PORT, ports past 65535.
            try {
                int base = Ports.base(null, p.dotEnv(), System.getenv());
                Ports.requireInRange(base, p.procfile(), Formation.allOne().resolve(p.procfile()));
            } catch (IllegalArgumentException e) {
                Problems.print(System.err, List.of(ParseProblem.error(p.procfilePath().toString(), 0, e.getMessage())));
                return 1;
            }
            System.out.println("valid procfile detected (" + String.join(", ", p.procfile().typeNames()) + ")");
            // `check > report` on a full disk must not pass silently: PrintStream swallows the error.
            if (System.out.checkError()) {
                System.err.println("procdeck: cannot write to standard output; the result above was not written");
                return 1;
            }
            return 0;
        } catch (ProjectFileException e) {
            Problems.print(System.err, e.problems());
            return 1;
        }
    }
}
