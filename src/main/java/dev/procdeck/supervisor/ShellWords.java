package dev.procdeck.supervisor;

import java.util.Set;

/** Just enough of a Procfile command line's shape to name the program it runs, for messages. */
final class ShellWords {
    /** Words after which the first word is not the program that was not found. */
    private static final Set<String> NOT_A_PROGRAM = Set.of("cd", "export", "set", "source", ".", "eval", "if",
            "for", "while", "until", "case", "!", "{", "(", "test", "[", "[[", "env", "nice", "nohup", "time",
            "command", "builtin", "trap", "ulimit", "umask");
    private static final int MAX_NAME = 120;

    private ShellWords() {
    }

    /**
     * The program a simple command line runs: its first word after {@code VAR=value} assignments and {@code exec}.
     * Null when that cannot be told without a shell's parser (quotes, expansions, several commands, a builtin
     * first), because a wrong name would send the user looking in the wrong place.
     */
    static String commandName(String command) {
        // With several commands, 127 may come from any of them.
        if (command == null || command.chars().anyMatch(c -> ";&|\n".indexOf(c) >= 0)) {
            return null;
        }
        for (String word : command.trim().split("[ \t]+")) {
            if (word.isEmpty() || word.matches("[A-Za-z_][A-Za-z0-9_]*=.*") || word.equals("exec")) {
                continue;
            }
            if (NOT_A_PROGRAM.contains(word) || word.length() > MAX_NAME
                    || word.chars().anyMatch(c -> "`$()<>\"'\\{}*?".indexOf(c) >= 0)) {
                return null;
            }
            return word;
        }
        return null;
    }
}
