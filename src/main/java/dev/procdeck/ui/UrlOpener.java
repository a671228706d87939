package dev.procdeck.ui;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Opens http(s) links from the console and the port column in the user's browser, off the FX thread, with
 * {@code xdg-open} (JavaFX's HostServices needs the Application and blocks on some desktops). Anything that is
 * not a plain http or https URL is refused: the text comes from the project's processes.
 */
final class UrlOpener {
    private UrlOpener() {
    }

    /** The URL if it is one we open: http or https, a host, no control characters. */
    static Optional<URI> checked(String url) {
        if (url == null || url.length() > 4096 || url.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (java.net.URISyntaxException e) {
            // not a URL
        }
        return Optional.empty();
    }

    /** The program that hands a URL to the desktop's browser (tests name one that does not exist). */
    static volatile String launcher = "xdg-open";

    /**
     * Opens the URL off the FX thread. Fails (with what went wrong, in words) where no launcher runs or it says it
     * found no browser: the caller tells the user rather than nothing happening. A launcher still running after a
     * few seconds has handed the page over (some run the browser in the foreground).
     */
    static CompletableFuture<Void> open(String url) {
        Optional<URI> uri = checked(url);
        if (uri.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not an http or https address"));
        }
        String program = launcher;
        return CompletableFuture.runAsync(() -> {
            Process p;
            try {
                p = new ProcessBuilder(program, uri.get().toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (java.io.IOException e) {
                throw new java.util.concurrent.CompletionException(new java.io.IOException(program + " is not installed"));
            }
            try {
                if (p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() != 0) {
                    throw new java.util.concurrent.CompletionException(new java.io.IOException(
                            program + " found no browser (exit code " + p.exitValue() + ")"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The address of an instance's port for web-like types (web, api, http, frontend, app, server...). */
    static Optional<String> webAddress(String type, int port) {
        String t = type.toLowerCase(Locale.ROOT);
        boolean webLike = t.equals("web") || t.startsWith("web") || t.contains("http") || t.equals("api")
                || t.startsWith("api") || t.contains("frontend") || t.equals("app") || t.contains("server")
                || t.equals("site") || t.equals("ui");
        return webLike && port > 0 && port < 65536 ? Optional.of("http://localhost:" + port) : Optional.empty();
    }
}
