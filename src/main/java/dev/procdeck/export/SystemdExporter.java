package dev.procdeck.export;

import dev.procdeck.procfile.CronSchedule;
import dev.procdeck.procfile.CronSchedule.Field;
import dev.procdeck.procfile.IntervalSchedule;
import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.ProjectConfig;
import dev.procdeck.procfile.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * systemd units: {@code APP-TYPE-N.service} per instance (not a template: each instance has its own PORT, PS
 * and DYNO, which a template's {@code %i} cannot compute), {@code APP-TYPE.service} plus {@code APP-TYPE.timer}
 * per scheduled type, and {@code APP.target}, which wants them all ({@code systemctl start APP.target}).
 *
 * <p>The .env files are not copied: each unit names them with {@code EnvironmentFile=} (absolute paths), so
 * secrets stay where they are. systemd applies EnvironmentFile= after Environment=, so a variable procdeck sets
 * on top of .env (PORT, PS, DYNO, procdeck.yml's env) that .env also defines is passed through
 * {@code /usr/bin/env} on the ExecStart= line instead, where it wins as it does under procdeck.
 */
final class SystemdExporter {
    private SystemdExporter() {
    }

    static ExportResult export(AppPlan plan) {
        List<ExportedFile> files = new ArrayList<>();
        List<String> wanted = new ArrayList<>();
        TreeSet<String> ymlSecrets = new TreeSet<>();
        for (TypePlan type : plan.typesWithoutTerminal("systemd", true)) {
            type.config().env().forEach((k, v) -> {
                if (plan.isSecret(k, v)) {
                    ymlSecrets.add(k);
                }
            });
            if (type.scheduled()) {
                String unit = plan.app + "-" + type.name();
                files.add(new ExportedFile(unit + ".service", service(plan, type, 1, true)));
                files.add(new ExportedFile(unit + ".timer", timer(plan, type)));
                wanted.add(unit + ".timer");
                if (type.config().overlap() != Overlap.SKIP) {
                    plan.warnings.add("systemd: " + type.name() + " has overlap: "
                            + type.config().overlap().name().toLowerCase(java.util.Locale.ROOT) + ", but a timer never starts a service"
                            + " that is still running (overlap: skip)");
                }
            } else {
                for (int n = 1; n <= type.scale(); n++) {
                    String unit = instanceUnit(plan, type, n);
                    files.add(new ExportedFile(unit, service(plan, type, n, false)));
                    wanted.add(unit);
                }
            }
        }
        if (!ymlSecrets.isEmpty()) {
            plan.warnings.add("systemd: secrets left out of the units: " + String.join(", ", ymlSecrets) + " (from "
                    + ProjectConfig.FILE_NAME + "); names containing KEY, SECRET, TOKEN or PASSWORD are never written"
                    + " into unit files: move them to .env, which the units read with EnvironmentFile=");
        }
        files.add(new ExportedFile(plan.app + ".target", target(plan, wanted)));
        ReverseProxy.advise(plan, "systemd");
        return ExportResult.of(files, plan);
    }

    private static String instanceUnit(AppPlan plan, TypePlan type, int n) {
        return plan.app + "-" + type.name() + "-" + n + ".service";
    }

    private static String target(AppPlan plan, List<String> wanted) {
        StringBuilder out = new StringBuilder();
        out.append("[Unit]\n");
        out.append("Description=").append(plan.app).append(" (exported by procdeck)\n");
        if (!wanted.isEmpty()) {
            out.append("Wants=").append(String.join(" ", wanted)).append('\n');
        }
        out.append("\n[Install]\nWantedBy=multi-user.target\n");
        return out.toString();
    }

    private static String service(AppPlan plan, TypePlan type, int n, boolean scheduled) {
        StringBuilder out = new StringBuilder();
        out.append("[Unit]\n");
        out.append("Description=").append(plan.app).append(' ').append(scheduled ? type.name() : type.dyno(n))
                .append(" (exported by procdeck)\n");
        out.append("PartOf=").append(plan.app).append(".target\n");
        List<String> after = new ArrayList<>(List.of("network.target"));
        List<String> wants = new ArrayList<>();
        for (String dependency : type.config().dependsOn()) {
            TypePlan dep = plan.type(dependency);
            if (dep != null && !dep.scheduled()) {
                for (int i = 1; i <= dep.scale(); i++) {
                    after.add(instanceUnit(plan, dep, i));
                    wants.add(instanceUnit(plan, dep, i));
                }
            }
        }
        out.append("After=").append(String.join(" ", after)).append('\n');
        if (!wants.isEmpty()) {
            out.append("Wants=").append(String.join(" ", wants)).append('\n');
        }
        if (!scheduled) {
            Integer maxRestarts = type.config().maxRestarts();
            if (maxRestarts == null) {
                // procdeck never gives up restarting; systemd would after 5 starts in 10 s.
                out.append("StartLimitIntervalSec=0\n");
            } else {
                // max_restarts counts restarts over the whole run: the first start plus that many, in any time.
                out.append("StartLimitIntervalSec=infinity\n");
                out.append("StartLimitBurst=").append(maxRestarts + 1).append('\n');
            }
        }
        out.append("\n[Service]\n");
        out.append("Type=simple\n");
        out.append("User=").append(plan.user("systemd")).append('\n');
        out.append("WorkingDirectory=").append(path(plan.root())).append('\n');
        for (Path envFile : plan.project.envFiles()) {
            out.append("EnvironmentFile=").append(path(envFile.toAbsolutePath().normalize())).append('\n');
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        Map<String, String> env = plan.instanceEnv(type, n);
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            boolean procdeckSets = List.of("PORT", "PS", "DYNO").contains(name) || type.config().env().containsKey(name);
            if (plan.project.dotEnv().containsKey(name) && !procdeckSets) {
                continue; // EnvironmentFile= brings it
            }
            if (plan.isSecret(name, e.getValue())) {
                continue; // only from .env, through EnvironmentFile=; see the warning
            }
            if (plan.project.dotEnv().containsKey(name)) {
                overrides.put(name, e.getValue());
            } else {
                out.append("Environment=").append(quoted(name + "=" + e.getValue(), false)).append('\n');
            }
        }
        StringBuilder exec = new StringBuilder("ExecStart=");
        if (!overrides.isEmpty()) {
            exec.append("/usr/bin/env");
            overrides.forEach((k, v) -> exec.append(' ').append(quoted(k + "=" + v, true)));
            exec.append(' ');
        }
        exec.append("/bin/sh -c ").append(quoted(type.command(), true));
        out.append(exec).append('\n');
        if (scheduled) {
            out.append("Restart=no\n");
        } else {
            out.append("Restart=").append(switch (type.restart()) {
                case ALWAYS -> "always";
                case ON_FAILURE -> "on-failure";
                case NEVER -> "no";
            }).append('\n');
            out.append("RestartSec=1\n");
        }
        if (type.memoryLimit() != null) {
            // systemd reclaims above MemoryHigh= (procdeck's quota, where R14 begins) and kills at MemoryMax=, twice
            // it, where procdeck restarts the instance (R15); Restart= then starts it again.
            out.append("MemoryHigh=").append(systemdBytes(type.config().memory())).append('\n');
            out.append("MemoryMax=").append(systemdBytes(type.memoryLimit())).append('\n');
        }
        out.append("KillMode=mixed\n");
        out.append("KillSignal=SIG").append(type.stopSignal()).append('\n');
        out.append("TimeoutStopSec=").append(seconds(type.stopTimeout())).append('\n');
        out.append("SyslogIdentifier=").append(plan.app).append('-').append(scheduled ? type.name() : type.dyno(n))
                .append('\n');
        if (!scheduled) {
            out.append("\n[Install]\nWantedBy=").append(plan.app).append(".target\n");
        }
        return out.toString();
    }

    /** Bytes as systemd reads them, in the largest binary unit that divides them: {@code 512M}, {@code 1G}. */
    static String systemdBytes(long bytes) {
        for (String unit : new String[] {"T", "G", "M", "K"}) {
            long size = 1L << (10 * ("KMGT".indexOf(unit) + 1));
            if (bytes % size == 0) {
                return (bytes / size) + unit;
            }
        }
        return Long.toString(bytes);
    }

    private static String timer(AppPlan plan, TypePlan type) {
        Schedule s = type.schedule();
        StringBuilder out = new StringBuilder();
        out.append("[Unit]\n");
        out.append("Description=").append(plan.app).append(' ').append(type.name()).append(" on schedule ")
                .append(specifierSafe(oneLine(s.text()))).append(" (exported by procdeck)\n");
        out.append("PartOf=").append(plan.app).append(".target\n");
        out.append("\n[Timer]\n");
        if (s instanceof IntervalSchedule interval) {
            String every = seconds(interval.interval());
            out.append("OnActiveSec=").append(every).append('\n');
            out.append("OnUnitActiveSec=").append(every).append('\n');
        } else {
            for (String calendar : onCalendar((CronSchedule) s)) {
                out.append("OnCalendar=").append(calendar).append('\n');
            }
        }
        // The default accuracy is a minute; a schedule of seconds needs better. Missed ticks are not replayed
        // (Persistent=false), as under procdeck.
        out.append("AccuracySec=1s\n");
        out.append("Persistent=false\n");
        out.append("Unit=").append(plan.app).append('-').append(type.name()).append(".service\n");
        out.append("\n[Install]\nWantedBy=").append(plan.app).append(".target\n");
        return out.toString();
    }

    /**
     * OnCalendar= lines of a cron schedule. systemd requires every component to match; cron accepts either day
     * field when both are restricted, so that case needs two lines (a timer fires on any of its lines).
     */
    static List<String> onCalendar(CronSchedule s) {
        String time = list(s, Field.HOUR) + ":" + list(s, Field.MINUTE) + ":00";
        String month = list(s, Field.MONTH);
        String dom = list(s, Field.DAY_OF_MONTH);
        if (s.daysEither()) {
            return List.of("*-" + month + "-" + dom + " " + time, weekdays(s) + " *-" + month + "-* " + time);
        }
        String prefix = s.allowsAny(Field.DAY_OF_WEEK) ? "" : weekdays(s) + " ";
        return List.of(prefix + "*-" + month + "-" + dom + " " + time);
    }

    private static String list(CronSchedule s, Field f) {
        if (s.allowsAny(f)) {
            return "*";
        }
        return String.join(",", s.values(f).stream().map(v -> String.format("%02d", v)).toList());
    }

    private static final String[] WEEKDAYS = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

    private static String weekdays(CronSchedule s) {
        return String.join(",", s.values(Field.DAY_OF_WEEK).stream().map(v -> WEEKDAYS[v]).toList());
    }

    /** {@code 5} or {@code 2500ms}: systemd's time spans. */
    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : d.toMillis() + "ms";
    }

    /**
     * A word of ExecStart= or Environment=: in double quotes, with systemd's C escapes for backslash, quote and
     * control characters, {@code %%} for a literal % (specifiers) and, on ExecStart=, {@code $$} for a literal $
     * (systemd would otherwise substitute variables before the shell sees them).
     */
    static String quoted(String value, boolean execLine) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '%' -> out.append("%%");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '$' -> out.append(execLine ? "$$" : "$");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A path on a line of its own: no line breaks or control characters (they would end or forge a line). */
    private static String path(Path p) {
        return specifierSafe(oneLine(p.toString()));
    }

    private static String oneLine(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("'" + text + "' contains a control character, which a systemd"
                        + " unit line cannot hold; rename it");
            }
        }
        return text;
    }

    private static String specifierSafe(String text) {
        return text.replace("%", "%%");
    }
}
