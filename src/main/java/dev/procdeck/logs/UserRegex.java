package dev.procdeck.logs;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The one way procdeck compiles a regular expression a user typed (the console's filter and search, the grep of
 * {@code procdeck logs}): with RE2/J, whose matching time is linear in the text's length, so that no pattern can
 * hold the FX thread or a control-server thread (java.util.regex backtracks: {@code (.*a){12}$} against a long
 * line of {@code a}s without a final match runs for minutes). RE2 has no backreferences and no lookaround.
 */
public final class UserRegex {
    /** A pattern RE2 cannot compile; the message says why, in words for the filter field or the terminal. */
    public static final class InvalidRegexException extends IllegalArgumentException {
        InvalidRegexException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private UserRegex() {
    }

    /**
     * @param regex     the pattern as typed
     * @param matchCase false: letters match either case (Unicode case folding)
     * @throws InvalidRegexException when RE2 cannot compile it
     */
    public static Pattern compile(String regex, boolean matchCase) {
        try {
            return Pattern.compile(regex, matchCase ? 0 : Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw new InvalidRegexException(describe(e, regex), e);
        } catch (RuntimeException e) {
            // A bug in the engine on some input must still reach the user as a message, never as a crash.
            throw new InvalidRegexException(String.valueOf(e.getMessage()), e);
        }
    }

    /** Text matched as it is, with no character special. */
    public static Pattern literal(String text, boolean matchCase) {
        return compile(Pattern.quote(text), matchCase);
    }

    /** "missing closing ): `(a`" plus, for the syntax RE2 leaves out, what it does not support. */
    private static String describe(PatternSyntaxException e, String typed) {
        String what = e.getDescription();
        String fragment = e.getPattern();
        if (fragment != null && fragment.startsWith("(?i)") && !typed.startsWith("(?i)")) {
            fragment = fragment.substring(4); // RE2/J's way of ignoring case: not what the user typed
        }
        String hint = what.contains("Perl syntax") || what.contains("escape sequence")
                ? " (lookahead, lookbehind and backreferences are not supported)" : "";
        String where = fragment == null || fragment.isEmpty() ? "" : ": `" + fragment + "`";
        return what + where + hint;
    }
}
