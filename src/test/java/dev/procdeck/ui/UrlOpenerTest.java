package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UrlOpenerTest {
    @Test
    void onlyPlainHttpAndHttpsUrlsAreOpened() {
        assertThat(UrlOpener.checked("http://localhost:5000/health")).isPresent();
        assertThat(UrlOpener.checked("https://example.com/a?b=c")).isPresent();
        assertThat(UrlOpener.checked("file:///etc/passwd")).isEmpty();
        assertThat(UrlOpener.checked("javascript:alert(1)")).isEmpty();
        assertThat(UrlOpener.checked("http://a b")).isEmpty();
        assertThat(UrlOpener.checked("http://x\u0007y")).isEmpty();
    }

    @Test
    void urlsAreFoundInLinesWithoutTrailingPunctuation() {
        String text = "listening on http://localhost:5000/, see https://docs.example.com/x).";
        List<int[]> ranges = LineRenderer.urlRanges(text);
        assertThat(ranges).hasSize(2);
        assertThat(text.substring(ranges.get(0)[0], ranges.get(0)[1])).isEqualTo("http://localhost:5000/");
        assertThat(text.substring(ranges.get(1)[0], ranges.get(1)[1])).isEqualTo("https://docs.example.com/x");
    }

    @Test
    void webLikeTypesLinkTheirPort() {
        assertThat(UrlOpener.webAddress("web", 5000)).contains("http://localhost:5000");
        assertThat(UrlOpener.webAddress("api", 5100)).contains("http://localhost:5100");
        assertThat(UrlOpener.webAddress("worker", 5200)).isEmpty();
    }
}
