package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.testing.Await;
import org.controlsfx.control.CheckComboBox;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** Found: after scaling down, the Instances filter counted the instance that left ("Instances (7/6)"). */
class ConsoleFilterListsTest extends DashboardFxFixture {

    @Test
    void anInstanceThatLeftIsNoLongerCountedAsChecked(FxRobot robot) throws Exception {
        open("web: echo hi; exec sleep 1000\n");
        robot.interact(() -> model.scale("web", 3));
        Await.until(WAIT, () -> instances("web").size() == 3, "three web instances");
        @SuppressWarnings("unchecked")
        CheckComboBox<String> box = (CheckComboBox<String>) byId(robot, "instanceFilter");
        Await.until(WAIT, () -> onFx(() -> box.getItems().contains("web.3")), "web.3 in the filter");
        robot.interact(() -> model.scale("web", 2));
        Await.until(WAIT, () -> instances("web").size() == 2, "web.3 gone from the table");
        robot.interact(() -> model.console().clear()); // its lines leave memory: it leaves the list
        Await.until(WAIT, () -> onFx(() -> !box.getItems().contains("web.3")), () -> "web.3 out of the filter: "
                + onFx(() -> box.getItems()));
        assertThat(onFx(() -> box.getCheckModel().getCheckedItems().size()))
                .isEqualTo(onFx(() -> box.getItems().size()));
        assertThat(onFx(() -> box.getCheckModel().getCheckedItems())).doesNotContain("web.3");
    }
}
