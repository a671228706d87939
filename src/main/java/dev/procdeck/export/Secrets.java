package dev.procdeck.export;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which variables are secrets. By name: those containing KEY, SECRET, TOKEN or PASSWORD, in any case. By value,
 * because a name says nothing about {@code DATABASE_URL=postgres://u:pw@db/x}: URLs with a password, bearer and
 * basic credentials, the well-known prefixes of service tokens and private keys, and long random-looking strings.
 * Secret values are written only into a Kubernetes Secret; systemd units reference the .env holding them, and the
 * other formats leave them out with a warning. {@code export --not-secret NAME} overrides a value's verdict.
 */
public final class Secrets {
    private static final Pattern URL_WITH_PASSWORD = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^/?#@\\s:]*:[^/?#@\\s]+@.*",
            Pattern.DOTALL);
    private static final Pattern CREDENTIAL = Pattern.compile("^(?i:bearer|basic|token|digest|apikey)\\s+\\S{8,}.*",
            Pattern.DOTALL);
    private static final Pattern SERVICE_TOKEN = Pattern.compile("^(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\\w{20,}"
            + "|glpat-[\\w-]{20,}|xox[abposr]-[\\w-]{10,}|(sk|rk|pk)_(live|test)_\\w{10,}|sk-[\\w-]{20,}"
            + "|AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|AIza[\\w-]{30,}|SG\\.[\\w-]{16,}\\.[\\w-]{16,}|npm_[A-Za-z0-9]{30,}"
            + "|dop_v1_[a-f0-9]{40,}|shp(at|ss|ca)_[a-fA-F0-9]{20,}|hf_[A-Za-z0-9]{30,}|eyJ[\\w-]{10,}\\.[\\w-]{10,}\\.[\\w-]*)");
    private static final String PRIVATE_KEY = "-----BEGIN";
    /** Long random-looking strings: at least this long, one word, and high entropy per character. */
    private static final int RANDOM_MIN_LENGTH = 24;
    private static final Pattern ONE_WORD = Pattern.compile("[A-Za-z0-9+/=_.~-]+");

    private Secrets() {
    }

    /** Whether a variable is a secret, by its name or by its value. */
    public static boolean isSecret(String name, String value) {
        return isSecretName(name) || whyValueIsSecret(value).isPresent();
    }

    /** Whether a variable's name says it is a secret (KEY, SECRET, TOKEN, PASSWORD). */
    public static boolean isSecretName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return upper.contains("KEY") || upper.contains("SECRET") || upper.contains("TOKEN") || upper.contains("PASSWORD");
    }

    /** Why a value looks like a secret whatever its name ("a URL with a password"), or empty. */
    public static Optional<String> whyValueIsSecret(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.strip();
        if (URL_WITH_PASSWORD.matcher(v).matches()) {
            return Optional.of("a URL with a password");
        }
        if (CREDENTIAL.matcher(v).matches()) {
            return Optional.of("a credential (" + v.substring(0, v.indexOf(' ')).toLowerCase(Locale.ROOT) + " ...)");
        }
        if (v.startsWith(PRIVATE_KEY) && v.contains("PRIVATE KEY")) {
            return Optional.of("a private key");
        }
        if (SERVICE_TOKEN.matcher(v).lookingAt()) {
            return Optional.of("a service token");
        }
        if (looksRandom(v)) {
            return Optional.of("a long random-looking string");
        }
        return Optional.empty();
    }

    /**
     * One word of at least {@link #RANDOM_MIN_LENGTH} characters, with letters and digits, whose characters carry
     * much information each (Shannon entropy): random keys do, words, paths, versions and host names do not.
     */
    static boolean looksRandom(String v) {
        if (v.length() < RANDOM_MIN_LENGTH || !ONE_WORD.matcher(v).matches() || v.contains("://")
                || v.startsWith("/") || v.startsWith(".") || v.startsWith("~")) { // URLs and paths
            return false;
        }
        boolean letters = v.chars().anyMatch(Character::isLetter);
        boolean digits = v.chars().anyMatch(Character::isDigit);
        if (!letters || !digits) {
            return false;
        }
        boolean hex = v.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '-');
        return entropyPerChar(v) >= (hex ? 3.0 : 4.0);
    }

    static double entropyPerChar(String v) {
        int[] counts = new int[128];
        int other = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 128) {
                counts[c]++;
            } else {
                other++;
            }
        }
        double bits = 0;
        for (int n : counts) {
            if (n > 0) {
                double p = (double) n / v.length();
                bits -= p * (Math.log(p) / Math.log(2));
            }
        }
        if (other > 0) {
            double p = (double) other / v.length();
            bits -= p * (Math.log(p) / Math.log(2));
        }
        return bits;
    }
}
