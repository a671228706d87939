package dev.procdeck.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.RestartMode;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;

@SuppressWarnings("unchecked")
class LaunchdExportTest {
    @TempDir
    Path root;

    /**
     * Parses a plist as launchd would get it: XML validated against Apple's plist DTD (a restated copy, resolved
     * offline), then read into Maps, Lists, Strings, Longs and Booleans; a dict with a repeated key fails.
     */
    static Object parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setValidating(true);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setEntityResolver((publicId, systemId) -> {
            assertThat(publicId).isEqualTo("-//Apple//DTD PLIST 1.0//EN");
            return new InputSource(LaunchdExportTest.class.getResourceAsStream("PropertyList-1.0.dtd"));
        });
        builder.setErrorHandler(new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) throws SAXParseException {
                throw e;
            }

            @Override
            public void error(SAXParseException e) throws SAXParseException {
                throw e;
            }

            @Override
            public void fatalError(SAXParseException e) throws SAXParseException {
                throw e;
            }
        });
        Element plist = builder.parse(new InputSource(new StringReader(xml))).getDocumentElement();
        assertThat(plist.getTagName()).isEqualTo("plist");
        return value(children(plist).get(0));
    }

    private static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                out.add(child);
            }
        }
        return out;
    }

    private static Object value(Element e) {
        return switch (e.getTagName()) {
            case "string" -> e.getTextContent();
            case "integer" -> Long.parseLong(e.getTextContent());
            case "true" -> true;
            case "false" -> false;
            case "array" -> children(e).stream().map(LaunchdExportTest::value).toList();
            case "dict" -> {
                Map<String, Object> map = new LinkedHashMap<>();
                List<Element> items = children(e);
                for (int i = 0; i < items.size(); i += 2) {
                    String key = items.get(i).getTextContent();
                    assertThat(map.put(key, value(items.get(i + 1)))).as("repeated key " + key).isNull();
                }
                yield map;
            }
            default -> throw new AssertionError("unexpected element " + e.getTagName());
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> plist(ExportResult r, String name) throws Exception {
        return (Map<String, Object>) parse(r.file(name).content());
    }

    @Test
    void onePlistPerInstanceRunningTheCommandThroughShWithItsEnvironment() throws Exception {
        String command = "exec ./web --title \"<b>&amp;</b>\" 'x' $PORT";
        Project p = Fixtures.project(root).type("web", command).type("worker", "./w")
                .env("DATABASE_URL", "postgres://db/x?a=1&b=2").build();
        ExportResult r = Exporter.export(ExportFormat.LAUNCHD, p,
                Fixtures.options().withApp("shop").withFormation("web=2,worker=1").withUser("deploy")
                        .withLogDir(Path.of("/usr/local/var/log/shop")));
        assertThat(r.files()).extracting(ExportedFile::name)
                .containsExactly("shop-web-1.plist", "shop-web-2.plist", "shop-worker-1.plist");

        Map<String, Object> web2 = plist(r, "shop-web-2.plist");
        assertThat(web2).containsEntry("Label", "shop-web-2")
                .containsEntry("ProgramArguments", List.of("/bin/sh", "-c", command))
                .containsEntry("WorkingDirectory", root.toString())
                .containsEntry("UserName", "deploy")
                .containsEntry("RunAtLoad", true)
                .containsEntry("KeepAlive", true)
                .containsEntry("ExitTimeOut", 5L)
                .containsEntry("StandardOutPath", "/usr/local/var/log/shop/shop-web-2.log")
                .containsEntry("StandardErrorPath", "/usr/local/var/log/shop/shop-web-2.log");
        assertThat((Map<String, Object>) web2.get("EnvironmentVariables")).containsEntry("PORT", "5001")
                .containsEntry("PS", "web.2").containsEntry("DYNO", "web.2")
                .containsEntry("DATABASE_URL", "postgres://db/x?a=1&b=2");
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void keepAliveFollowsTheRestartPolicy() throws Exception {
        Project p = Fixtures.project(root)
                .type("a", "x", Fixtures.restart(RestartMode.ON_FAILURE, null, Duration.ofSeconds(12)))
                .type("b", "x", Fixtures.restart(RestartMode.NEVER, "INT", null)).build();
        ExportResult r = Exporter.export(ExportFormat.LAUNCHD, p, Fixtures.options().withApp("shop"));
        assertThat(plist(r, "shop-a-1.plist")).containsEntry("KeepAlive", Map.of("SuccessfulExit", false))
                .containsEntry("ExitTimeOut", 12L)
                .containsEntry("StandardOutPath", "/var/log/shop/shop-a-1.log");
        assertThat(plist(r, "shop-b-1.plist")).containsEntry("KeepAlive", false);
        assertThat(r.warnings()).singleElement().asString().contains("b has stop_signal INT", "SIGTERM");
    }

    @Test
    void secretsAreLeftOutAndNamedInAWarning() throws Exception {
        Project p = Fixtures.project(root).type("web", "./web", Fixtures.env(Map.of("SESSION_SECRET", "yml-value")))
                .env("STRIPE_API_KEY", "sk_live_value").env("db_password", "pw-value").env("PLAIN", "ok").build();
        ExportResult r = Exporter.export(ExportFormat.LAUNCHD, p, Fixtures.options().withApp("shop"));
        String text = r.file("shop-web-1.plist").content();
        assertThat(text).contains("PLAIN").doesNotContain("sk_live_value", "pw-value", "yml-value",
                "STRIPE_API_KEY", "db_password", "SESSION_SECRET");
        assertThat(r.warnings()).singleElement().asString()
                .contains("STRIPE_API_KEY, db_password (from " + root.resolve(".env") + ")",
                        "SESSION_SECRET (from procdeck.yml)", "give them to launchd");
    }

    @Test
    void schedulesBecomeStartIntervalOrStartCalendarInterval() throws Exception {
        Project p = Fixtures.project(root)
                .type("often", "x", Fixtures.scheduled("every 90s", Overlap.SKIP))
                .type("nightly", "x", Fixtures.scheduled("30 2 * * *", Overlap.SKIP))
                .type("twice", "x", Fixtures.scheduled("0 9,18 * * 1-5", Overlap.SKIP))
                .type("either", "x", Fixtures.scheduled("0 0 1 * 0", Overlap.SKIP)).build();
        ExportResult r = Exporter.export(ExportFormat.LAUNCHD, p, Fixtures.options().withApp("shop"));
        Map<String, Object> often = plist(r, "shop-often.plist");
        assertThat(often).containsEntry("StartInterval", 90L).containsEntry("RunAtLoad", false)
                .doesNotContainKey("KeepAlive");
        assertThat(plist(r, "shop-nightly.plist"))
                .containsEntry("StartCalendarInterval", Map.of("Minute", 30L, "Hour", 2L));
        assertThat((List<Object>) plist(r, "shop-twice.plist").get("StartCalendarInterval")).hasSize(10)
                .contains(Map.of("Minute", 0L, "Hour", 18L, "Weekday", 5L));
        assertThat(plist(r, "shop-either.plist")).containsEntry("StartCalendarInterval", List.of(
                Map.of("Minute", 0L, "Hour", 0L, "Day", 1L), Map.of("Minute", 0L, "Hour", 0L, "Weekday", 0L)));
    }

    @Test
    void aValueXmlCannotHoldIsRefusedAndTheDtdCheckCatchesBrokenStructure() {
        Project p = Fixtures.project(root).type("web", "./web").env("BELL", "\u0007").build();
        assertThatThrownBy(() -> Exporter.export(ExportFormat.LAUNCHD, p, Fixtures.options()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character");
        String broken = "<?xml version=\"1.0\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
                + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\"><dict><key>A</key>"
                + "<key>B</key></dict></plist>";
        assertThatThrownBy(() -> parse(broken)).isInstanceOf(SAXParseException.class);
    }
}
