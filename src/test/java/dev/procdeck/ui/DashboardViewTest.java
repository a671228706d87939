package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import org.fxmisc.richtext.InlineCssTextArea;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The real dashboard (headless, Monocle) driving real processes. */
class DashboardViewTest extends DashboardFxFixture {


    @Test
    void openingTheDemoFolderFillsTheTableAndStartsNothing(FxRobot robot) throws Exception {
        model.openProject(Path.of("examples", "demo")).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        List<String> names = onFx(() -> view.table().getRoot().getChildren().stream()
                .map(i -> i.getValue().nameProperty().get()).collect(Collectors.toList()));
        assertThat(names).containsExactly("web", "worker", "clock", "flaky", "report", "console");
        // procdeck.yml's formation (web: 2) is the default until the user scales.
        Await.until(WAIT, () -> instances("web").size() == 2, "web.1 and web.2 rows");
        assertThat(instances("web")).allMatch(r -> r.instanceState() == InstanceState.STOPPED);
        assertThat(onFx(() -> model.runningProperty().get())).isZero();
        assertThat(robot.lookup("#runningCount").queryAs(Label.class).getText()).isEqualTo("0 running");
    }

    @Test
    void theToolbarButtonsStayPutWhenTheFormationChangesLength(FxRobot robot) throws Exception {
        // A formation longer than the project's name, so that its length decides the heading's.
        open("web: exec sleep 1000\nworker: exec sleep 1000\nclock: exec sleep 1000\nmailer: exec sleep 1000\n"
                + "indexer: exec sleep 1000\nthumbnailer: exec sleep 1000\n");
        Node startAll = byId(robot, "startAll");
        double before = onFx(() -> startAll.localToScene(0, 0).getX());
        robot.interact(() -> type("web").scaleProperty().set(12)); // "web=1  worker=1 ..." becomes "web=12  worker=1 ..."
        Await.until(WAIT, () -> onFx(() -> model.formationProperty().get()).startsWith("web=12"), "the new formation");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(onFx(() -> startAll.localToScene(0, 0).getX())).isEqualTo(before);
        robot.interact(() -> type("web").scaleProperty().set(0));
    }

    @Test
    void movingTheSliderToThreeStartsThreeRealProcesses(FxRobot robot) throws Exception {
        open("web: echo \"hello from $PS\"; exec sleep 1000\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> probe.livePids().size() == 1, "web.1 running");
        Slider slider = (Slider) byId(robot, "slider-web");
        robot.interact(() -> slider.setValue(3));
        Await.until(WAIT, () -> instances("web").size() == 3
                && instances("web").stream().allMatch(r -> r.instanceState() == InstanceState.UP), "three up");
        Await.until(WAIT, () -> probe.livePids().size() == 3, () -> "three processes, got " + probe.livePids());
        Await.until(WAIT, () -> consoleText().contains("hello from web.3"), "web.3 output in the console");
        assertThat(onFx(() -> model.formationProperty().get())).isEqualTo("web=3");
    }

    @Test
    void restartFromTheRowGivesTheInstanceANewPid(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> !instances("web").isEmpty() && instances("web").get(0).instanceState() == InstanceState.UP,
                "web.1 up");
        long before = instances("web").get(0).snapshot().pid();
        // At 1024 px the row's buttons are one that opens its menu; wider, Restart is a button of its own.
        robot.clickOn(byId(robot, "more-web.1")).clickOn("Restart");
        Await.until(WAIT, () -> instances("web").get(0).instanceState() == InstanceState.UP
                && instances("web").get(0).snapshot().pid() != before, "a new pid");
        // web is behind the router: its replacement is up before the old process stops (preboot).
        Await.until(WAIT, () -> !probe.livePids().contains(before), () -> "the old process to stop: " + probe.livePids());
        assertThat(probe.livePids()).hasSize(1);
    }

    @Test
    void textFilterHidesLinesThatDoNotMatch(FxRobot robot) throws Exception {
        open("talk: echo alpha; echo beta; echo alphabet; exec sleep 1000\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> consoleText().contains("alphabet"), "output");
        robot.clickOn("#search").write("alpha");
        // Applied once typing pauses, worked out off the FX thread.
        Await.until(WAIT, () -> consoleText().lines().count() == 2, () -> "filtered, got: " + consoleText());
        String text = consoleText();
        assertThat(text).contains("alpha").contains("alphabet").doesNotContain("beta\n").doesNotContain("started");
    }

    @Test
    void ansiColouredLinesAreStyledNotShownWithEscapeCodes(FxRobot robot) throws Exception {
        open("paint: printf 'plain \\033[31mred\\033[0m \\033]0;evil title\\007\\033[2Jend\\n'; exec sleep 1000\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> consoleText().contains("plain red end"), () -> "styled line, got: " + consoleText());
        String style = onFx(() -> {
            InlineCssTextArea area = view.console().area();
            int at = area.getText().indexOf("red end");
            return area.getStyleOfChar(at + 1);
        });
        assertThat(consoleText()).doesNotContain("\u001b").doesNotContain("evil title");
        assertThat(style).contains("-fx-fill: #cd3131");
    }

    @Test
    void brokenProcfileShowsTheParserErrorAndReloadRecovers(FxRobot robot) throws Exception {
        open("web: a\nweb: b\n");
        Label problems = robot.lookup("#problems").queryAs(Label.class);
        assertThat(problems.getText()).contains("Procfile:2: error: duplicate process type 'web' (first defined on line 1)");
        assertThat(problems.isVisible()).isTrue();
        Files.writeString(dir.resolve("Procfile"), "web: exec sleep 1000\n");
        robot.clickOn("#problemReload");
        Await.until(WAIT, () -> onFx(() -> model.problemsProperty().get().isEmpty() && model.types().size() == 1),
                "the fixed Procfile to load");
    }

    @Test
    void doubleClickingAnInstanceShowsOnlyItsLines(FxRobot robot) throws Exception {
        open("web: echo \"I am $PS\"; exec sleep 1000\n");
        robot.interact(() -> model.types().get(0).scaleProperty().set(2));
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> consoleText().contains("I am web.1") && consoleText().contains("I am web.2"), "both");
        Node web2 = robot.lookup(".instance-name").queryAll().stream()
                .filter(n -> n instanceof javafx.scene.control.TreeTableCell<?, ?> c && "web.2".equals(c.getText()))
                .findFirst().orElseThrow();
        robot.doubleClickOn(web2);
        Await.until(WAIT, () -> !consoleText().contains("I am web.1"), () -> "only web.2, got: " + consoleText());
        assertThat(consoleText()).contains("I am web.2");
    }

    // ---- Dashboard v2: found bugs where the view matters -------------------------------------------------

    @Test
    void aBrokenFolderAfterAGoodOneSaysWhatIsWrongAndKeepsNothingOfTheGoodOne(FxRobot robot) throws Exception {
        open("web: exec sleep 1000\nworker: exec sleep 1000\n");
        assertThat(robot.lookup(".formation").queryAs(Label.class).getText()).isEqualTo("web=1  worker=1");
        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(broken.resolve("Procfile"), "web: a\nweb: b\n");
        model.openProject(broken).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#tablePlaceholder").queryAs(Label.class).getText())
                .contains("Procfile:2: error: duplicate process type 'web'").contains("Fix the file");
        assertThat(robot.lookup(".formation").queryAs(Label.class).getText()).isEqualTo("no formation");
        assertThat(onFx(() -> List.copyOf(((org.controlsfx.control.CheckComboBox<?>) byId(robot, "typeFilter")).getItems())))
                .isEmpty();
        List<String> recent = onFx(() -> ((javafx.scene.control.MenuBar) byId(robot, "menuBar")).getMenus().get(0)
                .getItems().stream().filter(i -> i instanceof javafx.scene.control.Menu m && m.getText().replace("_", "").equals("Open Recent"))
                .flatMap(i -> ((javafx.scene.control.Menu) i).getItems().stream()).map(javafx.scene.control.MenuItem::getText)
                .collect(Collectors.toList()));
        assertThat(recent).contains(dir.toAbsolutePath().toString()).doesNotContain(broken.toAbsolutePath().toString());
    }

    @Test
    void aReloadIsAnnouncedInTheConsoleAndTheNewTypeRunsWithTheColourAndPortOfItsPosition(FxRobot robot) throws Exception {
        // Not "web": the router would move web's ports up by one (RouterProcessTest covers that).
        open("app: exec sleep 1000\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> !instances("app").isEmpty() && instances("app").get(0).instanceState() == InstanceState.UP, "app up");
        assertThat(onFx(() -> model.types().get(0).colourIndex())).isZero();
        Files.writeString(dir.resolve("Procfile"), "clock: exec sleep 1000\napp: exec sleep 1000\n");
        robot.clickOn("#reloadButton");
        Await.until(WAIT, () -> consoleText().contains("reloaded Procfile: +clock, app moved to ports from 5100 (was 5000)"
                + " \u2014 restart app to apply"), () -> "announced, got " + consoleText());
        // clock's port is web.1's until web restarts onto its own: clock waits and says why.
        Await.until(WAIT, () -> !instances("clock").isEmpty() && instances("clock").get(0).stateProperty().get()
                .startsWith("starting \u00b7 waiting for port 5000 (app.1"), () -> "clock waits, got "
                + (instances("clock").isEmpty() ? "no row" : instances("clock").get(0).stateProperty().get()));
        assertThat(instances("app").get(0).stateProperty().get()).isEqualTo("up \u00b7 restart to apply");
        robot.interact(() -> model.restart(model.types().stream().filter(t -> t.typeName().equals("app")).findFirst()
                .orElseThrow()));
        Await.until(WAIT, () -> !instances("clock").isEmpty() && instances("clock").get(0).instanceState() == InstanceState.UP
                && instances("app").get(0).instanceState() == InstanceState.UP, "clock and app up");
        assertThat(instances("clock").get(0).snapshot().port()).isEqualTo(5000);
        assertThat(instances("app").get(0).snapshot().port()).isEqualTo(5100);
        assertThat(onFx(() -> model.types().stream().map(DeckRow::colourIndex).toList())).containsExactly(0, 1);
        assertThat(onFx(() -> model.formationProperty().get())).isEqualTo("clock=1,app=1");
    }

    @Test
    void aCrashNotificationLeavesTheScreenOnStopAll(FxRobot robot) throws Exception {
        open("crash: sleep 1; exit 3\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> onFx(() -> view.crashNoticesShown()) > 0, "a crash notification");
        robot.clickOn("#stopAll");
        Await.until(WAIT, () -> onFx(() -> view.crashNoticesShown()) == 0, "the notification gone");
    }

    @Test
    void anInvalidRegexSaysWhyBesideTheFieldAndSearchCountsMatchesInTheFilteredText(FxRobot robot) throws Exception {
        open("talk: echo 'hit one'; echo 'hit two'; echo 'miss'; echo 'hit three'; exec sleep 1000\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> consoleText().contains("hit three"), "output");
        robot.clickOn("#search").write("hit");
        // "talk" names (which contain no "hit") and times are not searched: only the text the filter covers.
        Await.until(WAIT, () -> onFx(() -> robot.lookup("#matchInfo").queryAs(Label.class).getText()).equals("3 matches"),
                () -> "three matches, got: " + onFx(() -> robot.lookup("#matchInfo").queryAs(Label.class).getText()));
        robot.type(javafx.scene.input.KeyCode.ENTER);
        robot.type(javafx.scene.input.KeyCode.ENTER);
        assertThat(robot.lookup("#matchInfo").queryAs(Label.class).getText()).isEqualTo("2 of 3");
        String style = onFx(() -> {
            InlineCssTextArea area = view.console().area();
            return area.getStyleOfChar(area.getText().indexOf("hit two") + 1);
        });
        assertThat(style).contains(LineRenderer.CURRENT_MATCH_STYLE);
        robot.interact(() -> ((javafx.scene.control.ToggleButton) robot.lookup(".toggle-button")
                .match(n -> n instanceof javafx.scene.control.ToggleButton t && ".*".equals(t.getText())).query()).fire());
        robot.clickOn("#search").eraseText(3).write("hit([");
        Label error = robot.lookup("#queryError").queryAs(Label.class);
        Await.until(WAIT, () -> onFx(error::isVisible), "the error beside the field");
        assertThat(error.getText()).isEqualTo("invalid pattern: missing closing ]: `[`");
        assertThat(consoleText()).contains("hit one"); // the last valid filter stays
    }

    @Test
    void linesWithALevelGetASubtleColourAndTheLevelFilterHidesThem(FxRobot robot) throws Exception {
        open("lv: echo 'ERROR db down'; echo 'level=warn slow'; echo 'plain'; exec sleep 1000\n");
        robot.clickOn("#startAll");
        Await.until(WAIT, () -> consoleText().contains("plain"), "output");
        String errorStyle = onFx(() -> {
            InlineCssTextArea area = view.console().area();
            return area.getStyleOfChar(area.getText().indexOf("db down"));
        });
        assertThat(errorStyle).contains(LineRenderer.LEVEL_STYLE.get(dev.procdeck.logs.LogLevel.ERROR));
        robot.interact(() -> model.console().setHiddenLevels(java.util.Set.of(dev.procdeck.logs.LogLevel.ERROR)));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(consoleText()).doesNotContain("db down").contains("level=warn slow").contains("plain");
    }
}
