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

    static void open(String url) {
        checked(url).ifPresent(uri -> CompletableFuture.runAsync(() -> {
            try {
                new ProcessBuilder("xdg-open", uri.toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (java.io.IOException e) {
                // No browser launcher: nothing to do but not crash.
            }
        }));
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
