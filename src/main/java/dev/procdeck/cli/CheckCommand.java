package dev.procdeck.cli;

import dev.procdeck.procfile.ParseProblem;
import dev.procdeck.procfile.ProcessType;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectConfig;
import dev.procdeck.procfile.ProjectFileException;
import dev.procdeck.procfile.Visible;
import dev.procdeck.supervisor.Ports;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validates the Procfile, .env files and procdeck.yml; exits 0 if they are usable, 1 if not.")
public final class CheckCommand implements Callable<Integer> {
    @Mixin
    ProjectOptions project;

    @Override
    public Integer call() {
        try {
            Project p = project.load(System.getenv());
            Problems.print(System.err, p.procfile().warnings());
            Problems.print(System.err, p.config().warnings());
            // What `start` without -p/-m would refuse, check reports too: a bad PORT, ports past 65535.
            try {
                int base = Ports.base(null, p.dotEnv(), System.getenv());
                Ports.requireInRange(base, p.procfile(), ProjectOptions.defaultFormation(p).resolve(p.procfile()),
                        routedType(p));
            } catch (IllegalArgumentException e) {
                Problems.print(System.err, List.of(ParseProblem.error(p.procfilePath().toString(), 0, e.getMessage())));
                return 1;
            }
            // What `start` would meet only at exec: "Argument list too long" (a 300 KB env: value passed check).
            List<ParseProblem> tooLarge = new ArrayList<>();
            for (ProcessType t : p.procfile().types()) {
                java.util.Map<String, String> typeEnv = p.config().type(t.name()).env();
                java.util.Map<String, String> env = dev.procdeck.supervisor.InstanceEnvironment.build(System.getenv(),
                        p.dotEnv(), typeEnv, t.name() + ".1", 65535);
                dev.procdeck.supervisor.InstanceEnvironment.tooLargeToExec(env, t.command()).ifPresent(why ->
                        tooLarge.add(ParseProblem.error(!typeEnv.isEmpty() && p.config().file() != null
                                ? p.config().file().toString() : p.procfilePath().toString(), 0,
                                "type " + t.name() + " cannot start: " + why)));
            }
            if (!tooLarge.isEmpty()) {
                Problems.print(System.err, tooLarge);
                return 1;
            }
            portsInUse(p).forEach(w -> Problems.printError(System.err, "warning: " + w));
            System.out.println("valid procfile detected (" + String.join(", ", p.procfile().typeNames()) + ")"
                    + p.procfile().releasePhase().map(r -> "; release phase: " + r.command()).orElse(""));
            if (p.config().file() != null) {
                System.out.println("valid " + ProjectConfig.FILE_NAME + " detected (" + summary(p) + ")");
            }
            String routed = routedType(p);
            if (routed != null) {
                int base = Ports.base(null, p.dotEnv(), System.getenv());
                System.out.println("router on port " + base + " \u2192 " + routed + " (" + routed + ".1 on " + (base
                        + 100 * p.procfile().type(routed).orElseThrow().index() + 1) + "; --no-router or router: off for none)");
            }
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

    /**
     * The ports of the default formation that another program listens on now, with who: start would warn of
     * each, and a web type there would fail to listen (or another program would answer for it).
     */
    private static List<String> portsInUse(Project p) {
        List<String> found = new ArrayList<>();
        int base = Ports.base(null, p.dotEnv(), System.getenv());
        String routed = routedType(p);
        if (routed != null && dev.procdeck.os.PortCheck.inUse(base)) {
            String who = dev.procdeck.os.PortOwners.of(base).filter(l -> l.any())
                    .map(l -> " by " + l.describe()).orElse(" by another program");
            found.add("port " + base + " (the router's, in front of " + routed + ") is in use" + who
                    + "; start would run without the router");
        }
        java.util.Map<String, Integer> counts = ProjectOptions.defaultFormation(p).resolve(p.procfile());
        for (ProcessType t : p.procfile().types()) {
            if (p.config().isScheduled(t.name())) {
                continue;
            }
            for (int n = 1; n <= counts.getOrDefault(t.name(), 0); n++) {
                int port = Ports.port(base, t.index(), n, t.name().equals(routed));
                if (dev.procdeck.os.PortCheck.inUse(port)) {
                    String who = dev.procdeck.os.PortOwners.of(port).filter(l -> l.any())
                            .map(l -> " by " + l.describe()).orElse(" by another program");
                    found.add("port " + port + " (" + t.name() + "." + n + "'s $PORT) is in use" + who);
                }
            }
        }
        return found;
    }

    /** The type start would put behind the router (procdeck.yml's router:, else web), or null. */
    private static String routedType(Project p) {
        return p.config().router().routedType(p.procfile(), p.config()).orElse(null);
    }

    /** What procdeck.yml changes, in Procfile order: {@code formation web=2; report every 2s; settings for web}. */
    private static String summary(Project p) {
        ProjectConfig config = p.config();
        List<String> counts = new ArrayList<>();
        List<String> scheduled = new ArrayList<>();
        List<String> configured = new ArrayList<>();
        for (ProcessType t : p.procfile().types()) {
            Integer count = config.formation().get(t.name());
            if (count != null) {
                counts.add(t.name() + "=" + count);
            }
            if (config.isScheduled(t.name())) {
                scheduled.add(t.name() + " " + config.type(t.name()).schedule().text());
            } else if (config.types().containsKey(t.name())) {
                configured.add(t.name());
            }
        }
        List<String> parts = new ArrayList<>();
        if (!counts.isEmpty()) {
            parts.add("formation " + String.join(",", counts));
        }
        parts.addAll(scheduled);
        if (!configured.isEmpty()) {
            parts.add("settings for " + String.join(", ", configured));
        }
        // Schedules are project text: Visible, as every echo of it.
        return parts.isEmpty() ? "no settings" : Visible.escape(String.join("; ", parts));
    }
}
