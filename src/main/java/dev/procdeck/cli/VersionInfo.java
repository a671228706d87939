package dev.procdeck.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code procdeck --version} prints: the version from the pom (a resource Maven filters, so it is right in
 * the jar, the app image and a test run from target/classes alike), then the Java runtime and OS it runs on,
 * which is what a bug report needs.
 */
public final class VersionInfo implements IVersionProvider {
    static final String RESOURCE = "version.properties";

    /** The project version, or "unknown" when the resource is missing (a build that skipped filtering). */
    public static String version() {
        Properties props = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        String v = props.getProperty("version", "unknown");
        // Unfiltered (a resource copied by an IDE that ignores Maven filtering): better "unknown" than "${...}".
        return v.startsWith("${") ? "unknown" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "procdeck " + version(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                    + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                    + System.getProperty("os.arch")
        };
    }
}
