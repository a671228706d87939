package dev.procdeck.export;

import dev.procdeck.procfile.CronSchedule;
import dev.procdeck.procfile.CronSchedule.Field;
import dev.procdeck.procfile.IntervalSchedule;
import dev.procdeck.procfile.Schedule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * launchd property lists, one per instance ({@code APP-TYPE-N.plist}, label {@code APP-TYPE-N}) and one per
 * scheduled type ({@code APP-TYPE.plist}, StartInterval or StartCalendarInterval). Secrets are left out (a plist
 * is world-readable in LaunchAgents/LaunchDaemons); the result's warnings name them.
 */
final class LaunchdExporter {
    /** More StartCalendarInterval entries than this is a schedule launchd is the wrong tool for. */
    static final int MAX_CALENDAR_ENTRIES = 500;

    private LaunchdExporter() {
    }

    static ExportResult export(AppPlan plan) {
        List<ExportedFile> files = new ArrayList<>();
        for (TypePlan type : plan.typesWithoutTerminal("launchd", false)) {
            if (type.scheduled()) {
                String label = plan.app + "-" + type.name();
                files.add(new ExportedFile(label + ".plist", plist(plan, type, 1, label)));
            } else {
                for (int n = 1; n <= type.scale(); n++) {
                    String label = plan.app + "-" + type.name() + "-" + n;
                    files.add(new ExportedFile(label + ".plist", plist(plan, type, n, label)));
                }
            }
            if (!type.stopSignal().equals("TERM")) {
                plan.warnings.add("launchd: " + type.name() + " has stop_signal " + type.stopSignal()
                        + ", but launchd always stops with SIGTERM");
            }
        }
        plan.warnSecretsLeftOut("give them to launchd yourself, e.g. in the plist's EnvironmentVariables of a"
                + " copy readable only by its owner, or have the process read them from a file");
        ReverseProxy.advise(plan, "launchd");
        return ExportResult.of(files, plan);
    }

    private static String plist(AppPlan plan, TypePlan type, int n, String label) {
        PlistWriter p = new PlistWriter();
        p.key("Label").string(label);
        p.key("ProgramArguments").beginArray().string("/bin/sh").string("-c").string(type.command()).endArray();
        p.key("WorkingDirectory").string(plan.root().toString());
        p.key("UserName").string(plan.user("launchd"));
        p.key("EnvironmentVariables").beginDict();
        for (Map.Entry<String, String> e : plan.publicInstanceEnv(type, n).entrySet()) {
            p.key(e.getKey()).string(e.getValue());
        }
        p.endDict();
        if (type.scheduled()) {
            p.key("RunAtLoad").bool(false);
            calendar(p, type.schedule());
        } else {
            p.key("RunAtLoad").bool(true);
            p.key("KeepAlive");
            switch (type.restart()) {
                case ALWAYS -> p.bool(true);
                case ON_FAILURE -> p.beginDict().key("SuccessfulExit").bool(false).endDict();
                case NEVER -> p.bool(false);
            }
        }
        p.key("ExitTimeOut").integer(type.stopTimeoutSeconds());
        String log = plan.logDir().resolve(label + ".log").toString();
        p.key("StandardOutPath").string(log);
        p.key("StandardErrorPath").string(log);
        return p.finish();
    }

    private static void calendar(PlistWriter p, Schedule schedule) {
        if (schedule instanceof IntervalSchedule interval) {
            long seconds = interval.interval().toSeconds();
            p.key("StartInterval").integer(seconds);
            return;
        }
        CronSchedule s = (CronSchedule) schedule;
        List<Map<String, Integer>> entries = new ArrayList<>();
        if (s.daysEither()) {
            entries.addAll(product(s, List.of(Field.MINUTE, Field.HOUR, Field.DAY_OF_MONTH, Field.MONTH)));
            entries.addAll(product(s, List.of(Field.MINUTE, Field.HOUR, Field.MONTH, Field.DAY_OF_WEEK)));
        } else {
            entries.addAll(product(s, List.of(Field.MINUTE, Field.HOUR, Field.DAY_OF_MONTH, Field.MONTH,
                    Field.DAY_OF_WEEK)));
        }
        if (entries.size() > MAX_CALENDAR_ENTRIES) {
            throw new IllegalArgumentException("schedule '" + s.text() + "' needs " + entries.size()
                    + " launchd StartCalendarInterval entries (at most " + MAX_CALENDAR_ENTRIES + " are written);"
                    + " use a simpler schedule, such as every 5m");
        }
        p.key("StartCalendarInterval");
        if (entries.size() == 1) {
            dict(p, entries.get(0));
        } else {
            p.beginArray();
            entries.forEach(e -> dict(p, e));
            p.endArray();
        }
    }

    /** StartCalendarInterval's key for a cron field. */
    private static String key(Field field) {
        return switch (field) {
            case MINUTE -> "Minute";
            case HOUR -> "Hour";
            case DAY_OF_MONTH -> "Day";
            case MONTH -> "Month";
            case DAY_OF_WEEK -> "Weekday";
        };
    }

    /** Every combination of the restricted fields' values; a field left out (or {@code *}) matches any value. */
    private static List<Map<String, Integer>> product(CronSchedule s, List<Field> fields) {
        List<Map<String, Integer>> result = new ArrayList<>();
        result.add(new LinkedHashMap<>());
        for (Field f : fields) {
            if (s.allowsAny(f)) {
                continue;
            }
            List<Map<String, Integer>> next = new ArrayList<>();
            for (Map<String, Integer> partial : result) {
                for (int v : s.values(f)) {
                    Map<String, Integer> m = new LinkedHashMap<>(partial);
                    m.put(key(f), v);
                    next.add(m);
                    if (next.size() > MAX_CALENDAR_ENTRIES * 2) {
                        return next; // enough to know it is too many
                    }
                }
            }
            result = next;
        }
        return result;
    }

    private static void dict(PlistWriter p, Map<String, Integer> entry) {
        p.beginDict();
        entry.forEach((k, v) -> p.key(k).integer(v));
        p.endDict();
    }
}
