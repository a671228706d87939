package dev.procdeck.procfile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Foreman's Procfile grammar ({@code name: command}, name {@code [A-Za-z0-9_-]+}), parsed from a String.
 * Deliberately stricter than Foreman where Foreman silently loses work: a BOM is stripped, duplicates are
 * errors, and lines that are neither comments nor entries are reported instead of ignored.
 */
public final class ProcfileParser {
    private static final Pattern ENTRY = Pattern.compile("^([A-Za-z0-9_-]+):\\s?(.*)$");
    private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern LOOKS_LIKE_ENTRY = Pattern.compile("^\\s*([^\\s:#]+)\\s*:(.*)$");

    private ProcfileParser() {
    }

    /**
     * @param source the file name to use in messages
     * @param text   the whole file content
     */
    /** A name a Procfile can give a process type (what is read from elsewhere, a socket say, is checked with it). */
    public static boolean isTypeName(String name) {
        return name != null && TYPE_NAME.matcher(name).matches();
    }

    public static Procfile parse(String source, String text) throws ProjectFileException {
        List<ParseProblem> errors = new ArrayList<>();
        List<ParseProblem> warnings = new ArrayList<>();
        List<ProcessType> types = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();

        String[] lines = TextLines.split(TextLines.stripBom(text));
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            if (line.indexOf('\0') >= 0) {
                errors.add(ParseProblem.error(source, lineNo, "contains a NUL byte; is this a binary file?"));
                continue;
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Matcher m = ENTRY.matcher(line);
            if (m.matches()) {
                String name = m.group(1);
                String command = m.group(2).strip();
                if (command.isEmpty()) {
                    // Heroku and Foreman run the other entries; refusing the whole file for one placeholder
                    // line would make procdeck the odd one out. Skipped like any other non-entry.
                    warnings.add(ParseProblem.warning(source, lineNo,
                            "ignored '" + name + ":': process type '" + name + "' has no command; write '"
                                    + name + ": <command>'"));
                    continue;
                }
                Integer earlier = firstLine.putIfAbsent(name, lineNo);
                if (earlier != null) {
                    errors.add(ParseProblem.error(source, lineNo, "duplicate process type '" + name
                            + "' (first defined on line " + earlier + "); rename or remove one of them"));
                    continue;
                }
                types.add(new ProcessType(name, command, types.size(), lineNo));
                continue;
            }
            warnings.add(ParseProblem.warning(source, lineNo, describeIgnoredLine(line)));
        }
        if (!errors.isEmpty()) {
            errors.addAll(warnings);
            throw new ProjectFileException(errors);
        }
        if (types.isEmpty()) {
            List<ParseProblem> all = new ArrayList<>();
            all.add(ParseProblem.error(source, 0, "no processes defined in " + source
                    + "; add a line such as 'web: ./server --port $PORT'"));
            all.addAll(warnings);
            throw new ProjectFileException(all);
        }
        return new Procfile(source, types, warnings);
    }

    private static String describeIgnoredLine(String line) {
        String shown = line.length() > 60 ? line.substring(0, 60) + "…" : line;
        Matcher m = LOOKS_LIKE_ENTRY.matcher(line);
        if (m.matches()) {
            return "ignored '" + shown + "': a process type name may use only letters, digits, '_' and '-',"
                    + " and must start the line";
        }
        return "ignored '" + shown + "': not a 'name: command' entry or a '#' comment";
    }
}
