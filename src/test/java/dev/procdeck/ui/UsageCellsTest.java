package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.testing.Await;
import javafx.scene.Node;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** Found on the desktop: a stopped or failed instance kept an empty CPU and memory trend line. */
class UsageCellsTest extends DashboardFxFixture {

    @Override
    double width() {
        return 1280; // room for the trend lines
    }

    private boolean sparkShown(FxRobot robot, String id) {
        return onFx(() -> robot.lookup(".sparkline").queryAll().stream()
                .filter(n -> id.equals(n.getId())).anyMatch(Node::isVisible));
    }

    @Test
    void aStoppedInstanceShowsNoTrendLine(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n", "router: off\n"); // no Requests column: the room goes to CPU and memory
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> !instances("web").isEmpty() && instances("web").get(0).instanceState() == InstanceState.UP
                && !instances("web").get(0).memoryProperty().get().isEmpty(), "web.1 up with a memory figure");
        Await.until(WAIT, () -> sparkShown(robot, "memorySpark-web.1"), "its memory trend");
        robot.clickOn("#stopAll");
        Await.until(WAIT, () -> instances("web").get(0).instanceState() == InstanceState.STOPPED, "web.1 stopped");
        Await.until(WAIT, () -> !sparkShown(robot, "memorySpark-web.1") && !sparkShown(robot, "cpuSpark-web.1"),
                "no trend line for the stopped instance");
    }

    @Test
    void theMemoryQuotaIsALineOnTheMemoryTrendOnceItNearsIt(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n", "router: off\ntypes:\n  web:\n    memory: 64M\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> !instances("web").isEmpty() && instances("web").get(0).instanceState() == InstanceState.UP,
                "web.1 up");
        assertThat(instances("web").get(0).memoryQuota).isEqualTo(64L << 20);

        double[] lines = onFx(() -> {
            Sparkline spark = new Sparkline(60, 18);
            Sparkline.History h = new Sparkline.History();
            h.add(10L << 20);
            h.add(12L << 20);
            spark.draw(h, 1, 64L << 20);
            double far = spark.limitY();
            h.add(40L << 20);
            spark.draw(h, 1, 64L << 20);
            double near = spark.limitY();
            h.add(100L << 20);
            spark.draw(h, 1, 64L << 20);
            return new double[] {far, near, spark.limitY()};
        });
        assertThat(lines[0]).as("far below the quota, the trend keeps the whole height").isNaN();
        assertThat(lines[1]).as("past half of it, the line is at the top").isEqualTo(1.5);
        assertThat(lines[2]).as("past it, the line is below the peak").isBetween(6.0, 10.0);
    }
}
