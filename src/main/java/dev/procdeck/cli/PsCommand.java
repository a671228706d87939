package dev.procdeck.cli;

import dev.procdeck.procfile.Visible;
import dev.procdeck.runtime.ControlClient;
import dev.procdeck.runtime.ControlJson;
import dev.procdeck.runtime.ControlMessages;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code procdeck ps}: the instances of the running app, like {@code heroku ps}. */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = {"Lists the instances of the running procdeck: state, pid, port, uptime, restarts, last exit,"
                + " CPU and memory; with a router, its URL and the requests per second, latency and errors."})
final class PsCommand extends ControlCommand {
    private static final String[] HEADERS = {"NAME", "STATE", "PID", "PORT", "UPTIME", "RESTARTS", "LAST EXIT", "CPU",
        "MEM"};

    @Option(names = "--json", description = "print procdeck's answer as one JSON object")
    boolean json;

    @Override
    int run(ControlClient.Target target) throws IOException {
        Map<String, Object> answer = call(target, new ControlMessages.Ps());
        if (json) {
            answer.remove("ok");
            out.println(ControlJson.write(answer));
            return 0;
        }
        out.println("=== " + Visible.escape(String.valueOf(answer.get("app"))) + " (" + Visible.escape(String.valueOf(
                answer.get("root"))) + "), procdeck pid " + answer.get("pid") + ", formation " + formation(answer));
        Map<?, ?> router = answer.get("router") instanceof Map<?, ?> r ? r : null;
        if (router != null) {
            out.println(routerLine(router));
        }
        List<?> instances = answer.get("instances") instanceof List<?> l ? l : List.of();
        if (instances.isEmpty()) {
            out.println("no instances (scale one up with: procdeck scale TYPE=1)");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(router == null ? HEADERS : withRequests(HEADERS, "REQ/S"));
            Map<?, ?> rates = router != null && router.get("instances") instanceof Map<?, ?> m ? m : Map.of();
            for (Object o : instances) {
                if (o instanceof Map<?, ?> i) {
                    String[] row = row(i);
                    rows.add(router == null ? row : withRequests(row, rates.get(i.get("name")) instanceof Map<?, ?> rate
                            ? String.format("%.1f", number(rate.get("requestsPerSecond"))) : ""));
                }
            }
            printTable(rows);
        }
        printJobs(answer);
        return 0;
    }

    /** Scheduled types have runs, not instances: one line each, as the dashboard's job cells say it. */
    private void printJobs(Map<String, Object> answer) {
        if (!(answer.get("jobs") instanceof List<?> jobs) || jobs.isEmpty()) {
            return;
        }
        out.println("=== scheduled (scale TYPE=0 pauses a schedule, TYPE=1 resumes it)");
        java.time.Instant now = java.time.Instant.now();
        for (Object o : jobs) {
            if (o instanceof Map<?, ?> j) {
                try {
                    dev.procdeck.runtime.JobWire.Job job = dev.procdeck.runtime.JobWire.read(j);
                    out.println(job.status().type() + ": " + Visible.escape(dev.procdeck.supervisor.JobTexts.summary(
                            job.status(), java.time.ZoneId.systemDefault(), now)));
                } catch (IllegalArgumentException e) {
                    // Not one we can show.
                }
            }
        }
    }

    /** The formation, as the dashboard's header says it: scheduled types run on their schedule, not in it. */
    static String formation(Map<String, Object> answer) {
        java.util.Set<Object> scheduled = new java.util.HashSet<>();
        if (answer.get("jobs") instanceof List<?> jobs) {
            for (Object o : jobs) {
                if (o instanceof Map<?, ?> j && j.get("type") != null) {
                    scheduled.add(j.get("type"));
                }
            }
        }
        if (!(answer.get("formation") instanceof Map<?, ?> f) || f.isEmpty()) {
            return "(no process types)";
        }
        return f.entrySet().stream().filter(e -> !scheduled.contains(e.getKey()))
                .map(e -> Visible.escape(e.getKey() + "=" + e.getValue())).collect(Collectors.joining(" "));
    }

    /** {@code router http://localhost:5000 → web: 12.5 req/s, p50 2 ms, p99 9 ms, 0 errors/s (last 10 s)} */
    static String routerLine(Map<?, ?> router) {
        Map<?, ?> total = router.get("total") instanceof Map<?, ?> t ? t : Map.of();
        return "router " + Visible.escape(String.valueOf(router.get("url"))) + " \u2192 "
                + Visible.escape(String.valueOf(router.get("type"))) + ": " + rate(total)
                + " (last " + router.get("seconds") + " s)";
    }

    static String rate(Map<?, ?> r) {
        double errors = number(r.get("errorsPerSecond"));
        return String.format("%.1f req/s, p50 %s ms, p99 %s ms, %s error%s/s", number(r.get("requestsPerSecond")),
                millis(number(r.get("p50Ms"))), millis(number(r.get("p99Ms"))),
                errors == 0 ? "0" : String.format("%.1f", errors), errors == 1 ? "" : "s");
    }

    private static String millis(double ms) {
        return ms < 10 ? String.format("%.1f", ms) : String.format("%.0f", ms);
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    private static String[] withRequests(String[] row, String requests) {
        String[] wider = java.util.Arrays.copyOf(row, row.length + 1);
        wider[row.length] = requests;
        return wider;
    }

    static String[] row(Map<?, ?> i) {
        Object cpu = i.get("cpu");
        Object rss = i.get("rss");
        Object exit = i.get("lastExit");
        return new String[] {
            Visible.escape(String.valueOf(i.get("name"))),
            String.valueOf(i.get("state")),
            i.get("pid") == null ? "-" : String.valueOf(i.get("pid")),
            String.valueOf(i.get("port")),
            i.get("uptimeMs") == null ? "-" : uptime(number(i.get("uptimeMs"), 0)),
            String.valueOf(i.get("restarts")),
            exit == null ? "-" : String.valueOf(exit),
            cpu instanceof Number n ? String.format("%.1f%%", n.doubleValue()) : "-",
            (rss instanceof Number n ? dev.procdeck.os.ByteSize.format(n.longValue()) : "-")
                    + (i.get("memoryQuota") instanceof Number q && q.longValue() > 0
                    ? " (" + dev.procdeck.os.ByteSize.formatWhole(q.longValue()) + " quota)" : "")};
    }

    /** {@code 45s}, {@code 5m03s}, {@code 3h02m}, {@code 2d04h}: short and sortable by eye. */
    static String uptime(long millis) {
        long s = millis / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format("%dd%02dh", s / 86400, s % 86400 / 3600);
    }

    private void printTable(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                boolean last = c == r.length - 1;
                sb.append(last ? r[c] : String.format("%-" + width[c] + "s  ", r[c]));
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
