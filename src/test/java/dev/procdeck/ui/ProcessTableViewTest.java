package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.testing.Await;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Slider;
import javafx.scene.control.TreeItem;
import javafx.scene.input.Clipboard;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The process table's rows, menus, links and scale control, over real processes. */
class ProcessTableViewTest extends DashboardFxFixture {

    private TreeItem<DeckRow> shownItem(String type) {
        return onFx(() -> view.table().getRoot().getChildren().stream()
                .filter(i -> i.getValue().nameProperty().get().equals(type)).findFirst().orElseThrow());
    }

    @Test
    void reloadsLeaveOneListenerPerTypeNotOnePerRebuild(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\nworker: exec sleep 1000\n");
        Set<TreeItem<DeckRow>> items = Collections.newSetFromMap(new IdentityHashMap<>());
        items.add(shownItem("web"));
        for (int i = 0; i < 3; i++) { // each reload rebuilds the table from the (same) type rows
            model.reload().get(10, TimeUnit.SECONDS);
            WaitForAsyncUtils.waitForFxEvents();
            items.add(shownItem("web"));
        }
        AtomicInteger updates = new AtomicInteger();
        robot.interact(() -> items.forEach(item -> item.getChildren()
                .addListener((ListChangeListener<TreeItem<DeckRow>>) c -> updates.incrementAndGet())));
        robot.interact(() -> type("web").scaleProperty().set(2));
        Await.until(WAIT, () -> onFx(() -> shownItem("web").getChildren().size()) == 2, "web.2 shown");
        WaitForAsyncUtils.waitForFxEvents();
        // One item follows the type's instances; items of earlier rebuilds are not kept up to date in secret.
        assertThat(updates.get()).as("tree items updated for one new instance").isEqualTo(1);
    }

    private List<String> offered(DeckRow row) {
        return onFx(() -> {
            ContextMenu menu = view.table().contextMenu(row);
            menu.getOnShowing().handle(null);
            return menu.getItems().stream().filter(MenuItem::isVisible).map(MenuItem::getText)
                    .filter(t -> t != null).toList();
        });
    }

    @Test
    void rowMenusOfferOnlyWhatApplies(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\nworker: exec sleep 1000\n");
        InstanceRow web = instances("web").get(0);
        assertThat(offered(web)).contains("Start").doesNotContain("Stop", "Restart", "Copy PID")
                .noneMatch(t -> t.contains("Browser"));
        assertThat(offered(type("web"))).contains("Start").doesNotContain("Stop", "Restart");

        robot.clickOn("#startAll");
        Await.until(WAIT, () -> instances("web").get(0).instanceState() == InstanceState.UP
                && instances("worker").get(0).instanceState() == InstanceState.UP, "both up");
        assertThat(offered(web)).contains("Stop", "Restart", "Copy PID", "Open http://localhost:5001 in Browser")
                .doesNotContain("Start");
        assertThat(offered(type("web"))).contains("Stop", "Restart").doesNotContain("Start");
        // A worker serves no page: no browser item, though it has a port.
        assertThat(offered(instances("worker").get(0))).contains("Stop").noneMatch(t -> t.contains("Browser"));
        // The row's buttons agree with the menu.
        assertThat(onFx(() -> robot.lookup(n -> "start-web.1".equals(n.getId())).queryAll().stream()
                .map(n -> ((Button) n).isDisabled()).toList())).containsOnly(true);
        assertThat(onFx(() -> ((Button) byId(robot, "stop-web.1")).isDisabled())).isFalse();
    }

    @Test
    void aPortLinkWithNoBrowserSaysSoAndCopiesTheAddress(FxRobot robot) throws Exception {
        String saved = UrlOpener.launcher;
        UrlOpener.launcher = "procdeck-no-such-browser";
        try {
            open("web: exec sleep 1000\n");
            robot.clickOn("#startAll");
            Await.until(WAIT, () -> instances("web").get(0).instanceState() == InstanceState.UP, "web.1 up");
            robot.clickOn(byId(robot, "port-web.1"));
            Await.until(WAIT, () -> !onFx(() -> view.table().browserProblem()).isEmpty(), "a message");
            assertThat(onFx(() -> view.table().browserProblem()))
                    .contains("http://localhost:5001").contains("procdeck-no-such-browser is not installed");
            assertThat(onFx(() -> Clipboard.getSystemClipboard().getString())).isEqualTo("http://localhost:5001");
        } finally {
            UrlOpener.launcher = saved;
        }
    }

    @Test
    void theScaleIsAStepperWhereRoomIsShortAndTheSliderGetsEightPixelsAStepWhereNot(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n");
        Slider slider = (Slider) byId(robot, "slider-web");
        assertThat(onFx(slider::isVisible)).as("slider at 1024 px").isFalse();
        robot.clickOn("#scale-plus-web");
        assertThat((int) onFx(() -> type("web").scaleProperty().get())).isEqualTo(2);
        robot.clickOn("#scale-minus-web");
        assertThat((int) onFx(() -> type("web").scaleProperty().get())).isEqualTo(1);

        // Where the column is wide (a 1920 px window gives it about 340 px), the slider joins the stepper.
        ScaleField wide = onFx(() -> {
            ScaleField f = new ScaleField();
            new javafx.scene.Scene(new javafx.scene.Group(f));
            f.applyCss();
            f.resize(340, 32);
            f.layout();
            return f;
        });
        assertThat(onFx(() -> wide.slider().isVisible())).as("slider in 340 px").isTrue();
        double pxPerStep = onFx(() -> wide.slider().getWidth() / (wide.slider().getMax() - wide.slider().getMin()));
        assertThat(pxPerStep).isGreaterThanOrEqualTo(ScaleField.PX_PER_STEP);
    }
}
