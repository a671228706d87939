package dev.procdeck.export;

import dev.procdeck.procfile.Visible;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@code APP.conf} for supervisord's {@code [include]}: a {@code [program:APP-TYPE-N]} per instance and a
 * {@code [group:APP]} of them all ({@code supervisorctl start APP:*}). supervisord has no schedules, so scheduled
 * types are left out (with a warning), and so are secrets (the file is usually world-readable).
 *
 * <p>Its quoting: values go through %-expansion ({@code %%} is a literal %); {@code command} is split like a
 * POSIX shell word list; {@code environment} is {@code KEY="value",...} where a value cannot contain its own
 * quote character nor start or end with a quote; and whitespace followed by {@code ;} or {@code #} starts a
 * comment anywhere on a line.
 */
final class SupervisordExporter {
    private SupervisordExporter() {
    }

    static ExportResult export(AppPlan plan) {
        StringBuilder out = new StringBuilder();
        out.append("; ").append(plan.app).append(", exported by procdeck. Include it from supervisord.conf:\n");
        out.append(";   [include]\n;   files = /path/to/").append(plan.app).append(".conf\n");
        List<String> programs = new ArrayList<>();
        for (TypePlan type : plan.typesWithoutTerminal("supervisord", false)) {
            if (type.scheduled()) {
                plan.warnings.add("supervisord: " + type.name() + " runs on a schedule (" + type.schedule().text()
                        + "), which supervisord cannot do; it is not exported (run it from cron, or export systemd)");
                continue;
            }
            for (int n = 1; n <= type.scale(); n++) {
                String program = plan.app + "-" + type.name() + "-" + n;
                programs.add(program);
                program(out, plan, type, n, program);
            }
        }
        if (!programs.isEmpty()) { // supervisord refuses a group without programs
            out.append("\n[group:").append(plan.app).append("]\n");
            out.append("programs=").append(String.join(",", programs)).append('\n');
        }
        if (plan.options.logDir() != null && !programs.isEmpty()) {
            plan.warnings.add("supervisord: create the log folder before starting the programs (supervisord refuses"
                    + " to start them without it): mkdir -p " + plan.logDir());
        }
        plan.warnSecretsLeftOut("give them to supervisord in an environment= line of a file readable only by root"
                + " (for example a second [program:...] section in a root-only included file), or have the"
                + " process read them from a file");
        List<ExportedFile> files = List.of(new ExportedFile(plan.app + ".conf", out.toString()));
        ReverseProxy.advise(plan, "supervisord");
        return ExportResult.of(files, plan);
    }

    private static void program(StringBuilder out, AppPlan plan, TypePlan type, int n, String program) {
        out.append("\n[program:").append(program).append("]\n");
        out.append("command=").append(value("the command of " + type.name(), "/bin/sh -c " + shellWord(type.command())))
                .append('\n');
        out.append("directory=").append(value("the project folder", plan.root().toString())).append('\n');
        out.append("user=").append(plan.user("supervisord")).append('\n');
        out.append("autostart=true\n");
        switch (type.restart()) {
            case ALWAYS -> out.append("autorestart=true\n");
            case ON_FAILURE -> out.append("autorestart=unexpected\nexitcodes=0\n");
            case NEVER -> out.append("autorestart=false\n");
        }
        out.append("stopsignal=").append(type.stopSignal()).append('\n');
        out.append("stopwaitsecs=").append(type.stopTimeoutSeconds()).append('\n');
        out.append("stopasgroup=true\n");
        out.append("killasgroup=true\n");
        // Without -l, supervisord's own log folder (AUTO, in its childlogdir): it refuses to start a program whose
        // log folder is missing, and /var/log/APP is missing until someone makes it.
        out.append("stdout_logfile=").append(plan.options.logDir() == null ? "AUTO"
                : value("the log folder", plan.logDir().resolve(program + ".log").toString())).append('\n');
        out.append("redirect_stderr=true\n");
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, String> e : plan.publicInstanceEnv(type, n).entrySet()) {
            if (e.getValue().contains(HERE)) {
                String warning = "supervisord: " + e.getKey() + " is left out: its value holds " + HERE + ", which"
                        + " supervisord replaces with the configuration's folder before anything else, so no escaping"
                        + " can keep it; give it to supervisord yourself";
                if (!plan.warnings.contains(warning)) {
                    plan.warnings.add(warning);
                }
                continue;
            }
            pairs.add(e.getKey() + "=" + envValue(e.getKey(), e.getValue()));
        }
        out.append("environment=").append(value("the environment", String.join(",", pairs))).append('\n');
    }

    /**
     * The command as one POSIX shell word in single quotes ({@code '} as {@code '\''}). A {@code ;} or {@code #}
     * after whitespace is written outside the quotes as {@code \;}, so that the line holds no " ;" that
     * supervisord's config reader would take for a comment.
     */
    static String shellWord(String text) {
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                out.append("'\\''");
            } else if ((c == ';' || c == '#') && i > 0 && isSpace(text.charAt(i - 1))) {
                out.append('\'').append('\\').append(c).append('\'');
            } else {
                out.append(c);
            }
        }
        return out.append('\'').toString();
    }

    private static String envValue(String name, String value) {
        String cannot = "supervisord: " + name + "='" + Visible.escape(value) + "' cannot be written in an environment="
                + " line";
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException(cannot + ": it holds a control character (a newline?), which a line of"
                    + " supervisord's configuration cannot hold");
        }
        if (!value.isEmpty() && (isQuote(value.charAt(0)) || isQuote(value.charAt(value.length() - 1)))) {
            throw new IllegalArgumentException(cannot + ": supervisord strips quotes from both ends of a value");
        }
        char quote = value.indexOf('"') < 0 ? '"' : value.indexOf('\'') < 0 ? '\'' : 0;
        if (quote == 0) {
            throw new IllegalArgumentException(cannot + ": it holds both kinds of quotes, which supervisord cannot"
                    + " read back");
        }
        for (int i = 1; i < value.length(); i++) {
            if ((value.charAt(i) == ';' || value.charAt(i) == '#') && isSpace(value.charAt(i - 1))) {
                throw new IllegalArgumentException(cannot + ": supervisord would read a comment from '"
                        + value.charAt(i - 1) + value.charAt(i) + "' on");
            }
        }
        return quote + value + quote;
    }

    /** A value on a line of its own: % doubled for supervisord's expansion, no control characters. */
    private static String value(String what, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("supervisord: " + what + " contains a control character, which a"
                        + " line of its configuration cannot hold: '" + Visible.escape(text) + "'");
            }
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == ';' || c == '#') && (i == 0 || isSpace(text.charAt(i - 1)))) {
                throw new IllegalArgumentException("supervisord: " + what + " holds '" + (i == 0 ? "" : " ") + c
                        + "', which supervisord would read as the start of a comment: '" + Visible.escape(text) + "'");
            }
        }
        if (text.contains(HERE)) {
            throw new IllegalArgumentException("supervisord: " + what + " holds " + HERE + ", which supervisord replaces"
                    + " with the configuration's folder before anything else (%% does not escape it): '"
                    + Visible.escape(text) + "'");
        }
        return text.replace("%", "%%");
    }

    /**
     * supervisord replaces this text in every value with the configuration file's folder, textually and before
     * its %-expansion, so even {@code %%(here)s} becomes {@code %/etc/...}: it cannot be written literally.
     */
    private static final String HERE = "%(here)s";

    private static boolean isQuote(char c) {
        return c == '"' || c == '\'';
    }

    /** Python's str.isspace, which supervisord's config reader uses, as near as Java has it. */
    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || (c >= 0x1c && c <= 0x1f) || c == 0x85;
    }
}
