package dev.procdeck.supervisor;

import java.util.HashMap;
import java.util.Map;

/**
 * The environment an instance runs with: the parent's, the .env values, its type's {@code env:} from
 * procdeck.yml, then PORT, PS and DYNO (procdeck's own, which the readiness checks and port blocks rely on).
 */
public final class InstanceEnvironment {
    private InstanceEnvironment() {
    }

    public static Map<String, String> build(Map<String, String> parentEnv, Map<String, String> dotEnv,
                                            String dynoName, int port) {
        return build(parentEnv, dotEnv, Map.of(), dynoName, port);
    }

    public static Map<String, String> build(Map<String, String> parentEnv, Map<String, String> dotEnv,
                                            Map<String, String> typeEnv, String dynoName, int port) {
        Map<String, String> env = new HashMap<>(parentEnv);
        env.putAll(dotEnv);
        env.putAll(typeEnv);
        env.put("PORT", Integer.toString(port));
        env.put("PS", dynoName);
        env.put("DYNO", dynoName);
        // Python buffers stdout when it is a pipe; unbuffered output keeps logs live. Respect a user's choice.
        env.putIfAbsent("PYTHONUNBUFFERED", "1");
        return env;
    }

    /** Linux's MAX_ARG_STRLEN: one argument or one NAME=value, its terminating NUL included. */
    public static final int MAX_STRING_BYTES = 128 * 1024;
    /** What execve takes of arguments and environment together: ARG_MAX, a quarter of the default 8 MiB stack. */
    public static final int MAX_TOTAL_BYTES = 2 * 1024 * 1024;

    /**
     * Why {@code /bin/sh -c command} with this environment would fail with "Argument list too long", or empty:
     * a variable or the command over {@link #MAX_STRING_BYTES}, or all of them over {@link #MAX_TOTAL_BYTES}
     * (each string with its NUL and its pointer). {@code check} says so before {@code start} finds out.
     */
    public static java.util.Optional<String> tooLargeToExec(Map<String, String> env, String command) {
        long total = 0;
        String largest = null;
        long largestBytes = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            long bytes = utf8Length(e.getKey()) + 1 + utf8Length(e.getValue()) + 1;
            total += bytes + Long.BYTES;
            if (bytes > largestBytes) {
                largestBytes = bytes;
                largest = e.getKey();
            }
        }
        long commandBytes = utf8Length(command) + 1;
        total += commandBytes + "/bin/sh".length() + 1 + "-c".length() + 1 + 4L * Long.BYTES;
        if (largestBytes > MAX_STRING_BYTES) {
            return java.util.Optional.of(largest + " is " + kib(largestBytes) + " with its name; Linux passes at most 128"
                    + " KiB per variable (MAX_ARG_STRLEN): put the value in a file and pass the file's path");
        }
        if (commandBytes > MAX_STRING_BYTES) {
            return java.util.Optional.of("the command is " + kib(commandBytes) + "; Linux passes at most 128 KiB per"
                    + " argument (MAX_ARG_STRLEN): put it in a script");
        }
        if (total > MAX_TOTAL_BYTES) {
            return java.util.Optional.of("the environment and command come to " + kib(total) + "; Linux passes at most"
                    + " 2048 KiB to a new program (ARG_MAX): the largest variable is " + largest + " ("
                    + kib(largestBytes) + ")");
        }
        return java.util.Optional.empty();
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    private static String kib(long bytes) {
        return (bytes + 1023) / 1024 + " KiB";
    }
}
