package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.TreeTableColumn;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * Issue 17: with a router in front of {@code web}, the web row links to the router's address and the web row and
 * its instances' rows show requests per second (a figure, a minute's line, latency and errors in the tooltip);
 * failing requests show in the danger colour; a project without a router has no Requests column.
 */
class RouterCellsTest extends DashboardFxFixture {
    private static final String WEB_YML = "types:\n  web:\n    ready:\n      http: /\n";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private int base;

    @Override
    double width() {
        return 1280; // room for the lines (the headless screen is 1280 wide)
    }

    /** A base port of the test's own (the router's) with the next one (web.1's) free too: 5000 may be taken. */
    @Override
    String dotEnv() {
        base = freeBasePort();
        return "PORT=" + base + "\n";
    }

    @Test
    void theWebRowLinksToTheRouterAndTheRowsShowTheRequestRate(FxRobot robot) throws Exception {
        open("web: " + httpServerCommand() + "\n", WEB_YML);
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> !instances("web").isEmpty() && instances("web").get(0).instanceState() == InstanceState.UP,
                "web.1 up");
        Await.until(WAIT, () -> link(robot, "router-web").isPresent(), "a link to the router on the web row");
        String address = onFx(() -> link(robot, "router-web").orElseThrow().getText());
        assertThat(address).as("the link says the router's address").isEqualTo("localhost:" + base);
        assertThat(onFx(() -> link(robot, "router-web").orElseThrow().getTooltip().getText()))
                .startsWith("router \u2192 web: round-robin over its ready instances");

        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
        Await.until(WAIT, () -> busy(robot, "requests-web") && busy(robot, "requests-web.1"),
                () -> "a request rate on web and web.1, got " + figure(robot, "requests-web") + " and "
                        + figure(robot, "requests-web.1"));
        assertThat(figure(robot, "requests-web.1")).endsWith(" req/s");
        String tip = onFx(() -> cellTooltip(robot, "requests-web"));
        assertThat(tip).matches("(?s)p50 [0-9.]+ m?s \u00b7 p99 [0-9.]+ m?s \u00b7 0 errors/s\n.*");
        assertThat(onFx(() -> ((Label) shownNode(robot, "requests-web").orElseThrow()).getStyleClass())).doesNotContain("failing");
    }

    @Test
    void failingRequestsShowInTheDangerColour(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(python(), "python3's http.server answers DELETE with 501");
        open("web: " + httpServerCommand() + "\n", WEB_YML);
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> link(robot, "router-web").isPresent() && !instances("web").isEmpty()
                && instances("web").get(0).instanceState() == InstanceState.UP, "web.1 up behind the router");
        Await.until(WAIT, () -> !figure(robot, "requests-web").isEmpty(), "a request figure");
        javafx.scene.paint.Paint calm = onFx(() -> ((Label) shownNode(robot, "requests-web").orElseThrow()).getTextFill());
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + base + "/"))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(501);
        }
        Await.until(WAIT, () -> onFx(() -> ((Label) shownNode(robot, "requests-web").orElseThrow()).getStyleClass()
                .contains("failing")), "the web row's figure marked failing");
        assertThat(onFx(() -> ((Label) shownNode(robot, "requests-web").orElseThrow()).getTextFill()))
                .as("the theme's danger colour, not the figure's usual one").isNotEqualTo(calm);
        assertThat(onFx(() -> cellTooltip(robot, "requests-web"))).doesNotContain(" 0 errors/s").contains("errors/s");
    }

    @Test
    void aNarrowWindowHasNoRequestsColumnAndSaysTheFiguresInThePortTooltips(FxRobot robot) throws Exception {
        open("web: " + httpServerCommand() + "\n", WEB_YML);
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> link(robot, "router-web").isPresent() && !instances("web").isEmpty()
                && instances("web").get(0).instanceState() == InstanceState.UP, "web.1 up behind the router");
        robot.interact(() -> view.getScene().getWindow().setWidth(1024));
        Await.until(WAIT, () -> onFx(() -> link(robot, "router-web").map(Hyperlink::getText).orElse(""))
                .equals(Integer.toString(base)), "the router's port alone, as the instances show theirs");
        assertThat(onFx(() -> requestsColumn().isVisible())).as("the Requests column at 1024 px").isFalse();
        for (int i = 0; i < 6; i++) {
            http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + base + "/")).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        Await.until(WAIT, () -> linkTooltip(robot).matches("(?s)router \u2192 web: .*\n(?!0 )[0-9.]+ req/s: p50 .*"),
                () -> "the web row's rate in its link's tooltip, got " + linkTooltip(robot));
    }

    @Test
    void withoutARouterThereIsNoRequestsColumn(FxRobot robot) throws Exception {
        open("worker: exec sleep 1000\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> !instances("worker").isEmpty()
                && !instances("worker").get(0).memoryProperty().get().isEmpty(), "worker.1 sampled");
        assertThat(onFx(() -> requestsColumn().isVisible())).as("the Requests column without a router").isFalse();
        assertThat(onFx(() -> robot.lookup(".hyperlink").queryAll().stream()
                .anyMatch(n -> n.getId() != null && n.getId().startsWith("router-")))).isFalse();
    }

    /** The router link's tooltip, as it reads when it opens. */
    private String linkTooltip(FxRobot robot) {
        return onFx(() -> {
            Hyperlink l = link(robot, "router-web").orElseThrow();
            l.getTooltip().getOnShowing().handle(null);
            return l.getTooltip().getText();
        });
    }

    private TreeTableColumn<?, ?> requestsColumn() {
        return view.table().getColumns().stream().filter(c -> "col-requests".equals(c.getId())).findFirst().orElseThrow();
    }

    private static Optional<Hyperlink> link(FxRobot robot, String id) {
        return shownNode(robot, id).map(Hyperlink.class::cast);
    }

    /** A row's request figure, empty when it shows none. */
    private String figure(FxRobot robot, String id) {
        return onFx(() -> shownNode(robot, id).map(n -> ((Label) n).getText()).orElse(""));
    }

    /** Whether the figure shows requests: not "0 req/s". */
    private boolean busy(FxRobot robot, String id) {
        String text = figure(robot, id);
        return text.endsWith(" req/s") && !text.startsWith("0 ");
    }


    /** The node with this id that shows (a cell reused for another row keeps its old nodes out of the scene). */
    private static Optional<Node> shownNode(FxRobot robot, String id) {
        return robot.lookup((Node n) -> id.equals(n.getId())).queryAll().stream().filter(RouterCellsTest::showing)
                .findFirst();
    }

    private static boolean showing(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return n.getScene() != null;
    }

    /** The tooltip of the cell that holds a figure, as it reads when it shows. */
    private static String cellTooltip(FxRobot robot, String figureId) {
        Node n = shownNode(robot, figureId).orElseThrow();
        while (n != null && !(n instanceof javafx.scene.control.Control c && c.getTooltip() != null)) {
            n = n.getParent();
        }
        javafx.scene.control.Tooltip tip = ((javafx.scene.control.Control) n).getTooltip();
        tip.getOnShowing().handle(null); // what the tooltip computes when it opens
        return tip.getText();
    }

    private static boolean python() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import http.server").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** A command serving HTTP on $PORT: python3's http.server, else the supervisor tests' small Java server. */
    private static String httpServerCommand() throws Exception {
        if (python()) {
            return "exec python3 -m http.server $PORT --bind 127.0.0.1";
        }
        java.nio.file.Path source = java.nio.file.Path.of(
                RouterCellsTest.class.getResource("/dev/procdeck/supervisor/TinyHttpServer.java").toURI());
        return "exec '" + java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java") + "' '" + source + "' $PORT";
    }

    /** A port nothing listens on whose next port is free as well. */
    private static int freeBasePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0);
                 java.net.ServerSocket next = new java.net.ServerSocket(s.getLocalPort() + 1)) {
                return s.getLocalPort();
            } catch (java.io.IOException | IllegalArgumentException e) {
                // the next one was taken (or past 65535): another pair
            }
        }
        throw new IllegalStateException("no two free ports in a row");
    }
}
