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
}
