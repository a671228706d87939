package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.procfile.RestartMode;
import dev.procdeck.runtime.Workspace;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.testing.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** Dashboard v2's desktop behaviour, headless (Monocle) over real processes. */
class DashboardLookTest extends DashboardFxFixture {
    private final BiPredicate<Integer, Integer> savedConfirmer = ScaleField.confirmer;

    @Override
    String dotEnv() {
        return "API_KEY=s3cr3t-value\nGREETING=hello\n";
    }

    @AfterEach
    void restoreTheConfirmer() {
        ScaleField.confirmer = savedConfirmer;
    }

    /**
     * Opens a row's context menu as a right click does: Monocle turns a secondary click into no context-menu
     * request (a desktop toolkit does), so the request is fired on the cell the click would hit.
     */
    private static void openMenu(FxRobot robot, Node cell) {
        robot.interact(() -> {
            javafx.geometry.Bounds b = cell.localToScreen(cell.getBoundsInLocal());
            cell.fireEvent(new javafx.scene.input.ContextMenuEvent(javafx.scene.input.ContextMenuEvent.CONTEXT_MENU_REQUESTED,
                    5, 5, b.getMinX() + 5, b.getMinY() + 5, false, null));
        });
    }

    /** The instance's name cell, once the table shows it (its row arrives with the engine's first snapshot). */
    private Node instanceCell(FxRobot robot, String name) {
        java.util.concurrent.atomic.AtomicReference<Node> cell = new java.util.concurrent.atomic.AtomicReference<>();
        Await.until(WAIT, () -> {
            cell.set(onFx(() -> robot.lookup(".instance-name").queryAll().stream()
                    .filter(n -> n instanceof javafx.scene.control.TreeTableCell<?, ?> c && name.equals(c.getText()))
                    .findFirst().orElse(null)));
            return cell.get() != null;
        }, () -> name + "'s row shown");
        return cell.get();
    }

    // ---- scale ------------------------------------------------------------------------------------------------

    @Test
    void draggingTheSliderShowsTheCountAndAppliesItOnlyWhenReleased(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n");
        TextField field = robot.lookup("#scale-web").queryAs(TextField.class);
        javafx.scene.control.Slider slider = ((ScaleField) field.getParent()).slider();
        robot.interact(() -> {
            slider.setValueChanging(true);
            slider.setValue(3);
        });
        assertThat(onFx(() -> field.getText())).isEqualTo("3");
        assertThat((int) onFx(() -> type("web").scaleProperty().get())).isEqualTo(1); // nothing asked yet
        robot.interact(() -> slider.setValueChanging(false));
        assertThat((int) onFx(() -> type("web").scaleProperty().get())).isEqualTo(3);
        assertThat(onFx(() -> model.formationProperty().get())).isEqualTo("web=3");
    }

    @Test
    void aTypedScaleOutOfRangeOrNotANumberIsRefusedWithAMessageNotClamped(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n");
        TextField field = robot.lookup("#scale-web").queryAs(TextField.class);
        ScaleField scale = (ScaleField) field.getParent();
        robot.doubleClickOn(field).eraseText(3).write("150").type(KeyCode.ENTER);
        assertThat(onFx(() -> scale.messageProperty().get())).contains("150").contains("0 to 100");
        assertThat((int) onFx(() -> type("web").scaleProperty().get())).isEqualTo(1);
        assertThat(onFx(() -> field.getText())).isEqualTo("1");

        robot.doubleClickOn(field).eraseText(3).write("abc").type(KeyCode.ENTER);
        assertThat(onFx(() -> scale.messageProperty().get())).contains("abc").contains("not a number");
        assertThat((int) onFx(() -> type("web").scaleProperty().get())).isEqualTo(1);
    }

    @Test
    void aTypedScaleAppliesOnEnterAndOnFocusLoss(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n");
        TextField field = robot.lookup("#scale-web").queryAs(TextField.class);
        robot.doubleClickOn(field).eraseText(3).write("3").type(KeyCode.ENTER);
        Await.until(WAIT, () -> instances("web").size() == 3, "three web rows");
        assertThat(onFx(() -> model.formationProperty().get())).isEqualTo("web=3");

        robot.doubleClickOn(field).eraseText(3).write("2");
        robot.clickOn("#search"); // focus leaves the field
        Await.until(WAIT, () -> onFx(() -> type("web").scaleProperty().get()) == 2, "scale 2 on focus loss");
        assertThat(onFx(() -> ((ScaleField) field.getParent()).messageProperty().get())).isEmpty();
    }

    @Test
    void aJumpOfMoreThanTwentyInstancesAsksFirst(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n");
        List<String> asked = new ArrayList<>();
        ScaleField.confirmer = (from, to) -> {
            asked.add(from + "->" + to);
            return false;
        };
        TextField field = robot.lookup("#scale-web").queryAs(TextField.class);
        robot.doubleClickOn(field).eraseText(3).write("30").type(KeyCode.ENTER);
        assertThat(asked).as("asked; message: %s", onFx(() -> ((ScaleField) field.getParent()).messageProperty().get()))
                .containsExactly("1->30");
        assertThat((int) onFx(() -> type("web").scaleProperty().get())).isEqualTo(1);
        assertThat(onFx(() -> field.getText())).isEqualTo("1");

        ScaleField.confirmer = (from, to) -> {
            asked.add(from + "->" + to);
            return true;
        };
        robot.doubleClickOn(field).eraseText(3).write("21").type(KeyCode.ENTER);
        assertThat(asked).containsExactly("1->30"); // 20 more: no question
        assertThat((int) onFx(() -> type("web").scaleProperty().get())).isEqualTo(21);
        robot.interact(() -> type("web").scaleProperty().set(0));
    }

    // ---- context menu and keys ------------------------------------------------------------------------------

    @Test
    void theRowContextMenuCopiesThePidAndRestarts(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> !instances("web").isEmpty() && instances("web").get(0).instanceState() == InstanceState.UP,
                "web.1 up");
        long pid = instances("web").get(0).snapshot().pid();
        openMenu(robot, instanceCell(robot, "web.1"));
        robot.clickOn("Copy PID");
        assertThat(onFx(() -> Clipboard.getSystemClipboard().getString())).isEqualTo(Long.toString(pid));

        openMenu(robot, instanceCell(robot, "web.1"));
        robot.clickOn("Restart");
        Await.until(WAIT, () -> instances("web").get(0).instanceState() == InstanceState.UP
                && instances("web").get(0).snapshot().pid() != pid, "a new pid");
    }

    @Test
    void rowShortcutsActOnTheSelectedRowAndRowButtonsAreNotInTheTabOrder(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n");
        robot.clickOn(instanceCell(robot, "web.1"));
        robot.type(KeyCode.ENTER);
        Await.until(WAIT, () -> instances("web").get(0).instanceState() == InstanceState.UP, "Enter starts web.1");
        robot.type(KeyCode.DELETE);
        Await.until(WAIT, () -> instances("web").get(0).instanceState() == InstanceState.STOPPED, "Delete stops it");
        assertThat(byId(robot, "start-web.1").isFocusTraversable()).isFalse();
        assertThat(byId(robot, "restart-web").isFocusTraversable()).isFalse();
    }

    @Test
    void showOnlyItsLogsFromTheMenuFiltersTheConsole(FxRobot robot) throws Exception {
        open("web: echo \"I am $PS\"; exec sleep 1000\n");
        robot.interact(() -> type("web").scaleProperty().set(2));
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> consoleText().contains("I am web.1") && consoleText().contains("I am web.2"), "both");
        openMenu(robot, instanceCell(robot, "web.2"));
        robot.clickOn("Show Only web.2's Logs");
        Await.until(WAIT, () -> !consoleText().contains("I am web.1"), () -> "only web.2, got: " + consoleText());
    }

    // ---- environment ------------------------------------------------------------------------------------------

    @Test
    void theEnvironmentViewMasksSecretsUntilRevealed(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n");
        openMenu(robot, instanceCell(robot, "web.1"));
        robot.clickOn("Environment…");
        @SuppressWarnings("unchecked")
        javafx.scene.control.TableView<EnvironmentDialog.Entry> table =
                robot.lookup("#envTable").queryAs(javafx.scene.control.TableView.class);
        List<String> names = onFx(() -> table.getItems().stream().map(EnvironmentDialog.Entry::name).toList());
        assertThat(names).contains("PORT", "PS", "DYNO", "API_KEY", "GREETING");
        assertThat(cellTexts(robot)).contains("web.1", "5001", "hello", EnvironmentDialog.MASK).doesNotContain("s3cr3t-value");
        robot.clickOn("#revealSecrets");
        assertThat(cellTexts(robot)).contains("s3cr3t-value");
        assertInsetInItsDialog(robot.lookup("#environmentDialog").query(), table);
        robot.clickOn("Close");
    }

    @Test
    void theRunAndEnvironmentDialogsKeepTheirContentOffTheFrame(FxRobot robot) throws Exception {
        // Found: the Run dialog's field and the Environment dialog's table touched the dialog's left and right edges.
        open("web: exec sleep 1000\n");
        RunDialog run = onFx(view::showRunDialog);
        WaitForAsyncUtils.waitForFxEvents();
        assertInsetInItsDialog(run.getDialogPane(), run.command());
        robot.interact(run::close);
    }

    /** The control sits at least 8 px inside the dialog pane on the left and on the right. */
    private void assertInsetInItsDialog(javafx.scene.Node pane, javafx.scene.Node control) {
        javafx.geometry.Bounds p = onFx(() -> pane.localToScreen(pane.getLayoutBounds()));
        javafx.geometry.Bounds c = onFx(() -> control.localToScreen(control.getLayoutBounds()));
        assertThat(c.getMinX() - p.getMinX()).as("left inset").isGreaterThanOrEqualTo(8);
        assertThat(p.getMaxX() - c.getMaxX()).as("right inset").isGreaterThanOrEqualTo(8);
    }

    private List<String> cellTexts(FxRobot robot) {
        WaitForAsyncUtils.waitForFxEvents();
        return onFx(() -> robot.lookup(".table-cell").queryAll().stream()
                .map(n -> ((javafx.scene.control.TableCell<?, ?>) n).getText()).filter(t -> t != null).toList());
    }

    // ---- restart policy -----------------------------------------------------------------------------------

    @Test
    void restartPolicyNeverFromTheTypeMenuStopsACrashingCommandFromBackingOffAndIsRemembered(FxRobot robot)
            throws Exception {
        open("ghost: FOO=1 sh -c 'exit 3'\n");
        Node typeCell = robot.lookup(".type-name").queryAll().stream()
                .filter(n -> n instanceof javafx.scene.control.TreeTableCell<?, ?> c && "ghost".equals(c.getText()))
                .findFirst().orElseThrow();
        openMenu(robot, typeCell);
        robot.clickOn("Restart Policy");
        robot.clickOn("Never");
        assertThat(onFx(() -> model.restartMode("ghost"))).isEqualTo(RestartMode.NEVER);
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> !instances("ghost").isEmpty()
                && instances("ghost").get(0).instanceState() == InstanceState.CRASHED, "crashed, not backing off");
        String tip = onFx(() -> {
            TreeItem<DeckRow> item = view.table().getRoot().getChildren().get(0).getChildren().get(0);
            return view.table().stateTooltip(item.getValue(), item);
        });
        assertThat(tip).contains("crashed with exit code 3").contains("restart policy: never");
        Await.until(WAIT, () -> new Workspace(prefs).projectSetting(dir, "restart.ghost").orElse("").equals("never"),
                "the policy remembered for the project");
    }

    // ---- closing ------------------------------------------------------------------------------------------------

    @Test
    void theClosingOverlayCountsDownToSigkillAndKillNowEndsTheWait(FxRobot robot) throws Exception {
        open("stubborn: trap '' TERM; echo ready; while :; do sleep 0.2; done\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> consoleText().contains("ready"), "the TERM trap set");
        robot.interact(() -> view.showClosing());
        CompletableFuture<Void> closed = model.shutdown();
        Label text = robot.lookup("#closingText").queryAs(Label.class);
        Await.until(WAIT, () -> onFx(text::getText).matches("Stopping 1 process — SIGTERM sent, SIGKILL in [1-5] s"),
                () -> "a countdown, got: " + onFx(text::getText));
        robot.clickOn("#killNow");
        closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(probe.livePids()).isEmpty();
        Await.until(WAIT, () -> onFx(text::getText).equals("Closing…"), "nothing left to stop");
    }

    // ---- crash toasts --------------------------------------------------------------------------------------------

    @Test
    void crashToastsCollapseIntoOneAndUnfocusedCrashesBadgeTheTitle(FxRobot robot) {
        CrashToasts toasts = view.toasts();
        List<String> sent = new ArrayList<>();
        robot.interact(() -> {
            toasts.setDesktopNotifier((title, body) -> sent.add(title));
            toasts.show(new DashboardViewModel.CrashNotice("web.1", "crashed with exit code 1"), true);
        });
        assertThat(robot.lookup("#crashToastTitle").queryAs(Label.class).getText()).isEqualTo("web.1 crashed");
        robot.interact(() -> {
            toasts.show(new DashboardViewModel.CrashNotice("web.2", "crashed with exit code 1"), false);
            toasts.show(new DashboardViewModel.CrashNotice("worker.1", "killed by SIGSEGV"), false);
        });
        assertThat(robot.lookup("#crashToast").queryAll()).hasSize(1);
        assertThat(robot.lookup("#crashToastTitle").queryAs(Label.class).getText()).isEqualTo("3 instances crashed");
        assertThat(sent).containsExactly("web.2 crashed", "worker.1 crashed");
        assertThat(onFx(() -> view.titleBadge().get())).isEqualTo("(2 crashed) ");
        robot.interact(toasts::seen);
        assertThat(onFx(() -> view.titleBadge().get())).isEmpty();
    }

    @Test
    void theThemeMenuSwitchesToDarkAndTheConsoleStaysDark(FxRobot robot) {
        robot.interact(() -> Theme.apply(true, view));
        assertThat(view.getStyleClass()).contains(Theme.DARK_CLASS);
        assertThat(javafx.application.Application.getUserAgentStylesheet()).endsWith("primer-dark.css");
        robot.interact(() -> Theme.apply(false, view));
        assertThat(view.getStyleClass()).doesNotContain(Theme.DARK_CLASS);
        assertThat(javafx.application.Application.getUserAgentStylesheet()).endsWith("primer-light.css");
        robot.clickOn("View").clickOn("Theme").clickOn("Dark");
        assertThat(onFx(() -> view.themeProperty().get())).isEqualTo(Theme.DARK);
    }
}
