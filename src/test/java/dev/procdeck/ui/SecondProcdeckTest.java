package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogBus;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectLoader;
import dev.procdeck.runtime.ControlServer;
import dev.procdeck.runtime.StateFolder;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.PosixProcessLauncher;
import dev.procdeck.supervisor.Supervisor;
import dev.procdeck.supervisor.SupervisorSettings;
import dev.procdeck.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Opening a project another procdeck already runs (a real control server answering in its state folder): the
 * dashboard says so and starts and scales nothing; once that procdeck is gone, the folder opens as usual.
 */
class SecondProcdeckTest extends DashboardModelFixture {
    private Supervisor other;
    private ControlServer server;

    /**
     * Another procdeck of the project in {@code p}, in this JVM as far as the window can tell: a supervisor and its
     * control server in the project's state folder, running {@code counts}.
     */
    private void startOther(Path p, int basePort, Map<String, Integer> counts) throws Exception {
        Project project = ProjectLoader.load(p, null, List.of(), Map.of());
        other = new Supervisor(project, SupervisorSettings.defaults(basePort), new PosixProcessLauncher(),
                new LogBus(Clock.systemUTC()), Clock.systemUTC(), Map.of());
        StateFolder state = StateFolder.of(p.toRealPath(), System.getenv());
        state.prepare();
        server = ControlServer.start(state, null, other, m -> { });
        if (!counts.isEmpty()) {
            other.start(counts);
        }
    }

    /** Before the fixture closes the window's model: the other procdeck goes, with its processes. */
    @AfterEach
    void stopTheOtherProcdeck() {
        if (server != null) {
            server.close();
        }
        if (other != null) {
            other.close();
        }
    }

    private void pulseUntil(String what, java.util.function.BooleanSupplier condition) {
        Await.until(Duration.ofSeconds(15), () -> fx.call(() -> {
            pulse();
            return condition.getAsBoolean();
        }), what);
    }

    private List<InstanceState> webStates() {
        return model.types().stream().filter(t -> t.typeName().equals("web")).findFirst()
                .map(t -> t.instances().stream().map(InstanceRow::instanceState).toList()).orElse(List.of());
    }

    @Test
    void aProjectAnotherProcdeckRunsOpensReadOnlyWithABannerAndNormallyOnceItIsGone() throws Exception {
        Path p = Files.createDirectories(dir.resolve("app"));
        Files.writeString(p.resolve("Procfile"), "web: exec sleep 1000\n");
        startOther(p, 5000, Map.of());

        fx.call(() -> model.openProject(p)).get(20, TimeUnit.SECONDS);
        assertThat(fx.call(() -> model.readOnlyProperty().get())).isTrue();
        // Its files are read here (Reload, Export…), nothing else: no rows, no Run…, no policies, no environment.
        assertThat(fx.call(() -> model.capabilitiesProperty().get()))
                .containsExactly(dev.procdeck.runtime.RunningApp.Capability.PROJECT_FILES);
        assertThat(fx.call(() -> model.problemsProperty().get())).startsWith(
                "procdeck (pid " + ProcessHandle.current().pid() + ") already runs this project. Attach to see and drive it");
        assertThat(fx.call(() -> model.attachOfferProperty().get())).isEqualTo(server.socket());
        fx.run(model::startAll);
        fx.run(() -> model.scale("web", 3));
        // No rows: this window's idle supervisor would show "stopped" for what runs over there.
        fx.run(model::pulse);
        assertThat(fx.call(() -> model.types())).isEmpty();
        assertThat(fx.call(() -> model.placeholderProperty().get())).contains("Attach");
        assertThat(other.snapshots()).isEmpty(); // and nothing was asked of the other procdeck
        assertThat(fx.call(() -> model.runningProperty().get())).isZero();

        // That procdeck stops: opening the folder again gives the usual, writable dashboard.
        server.close();
        server = null;
        fx.call(() -> model.openProject(p)).get(20, TimeUnit.SECONDS);
        assertThat(fx.call(() -> model.readOnlyProperty().get())).isFalse();
        assertThat(fx.call(() -> model.problemsProperty().get())).isEmpty();
        assertThat(fx.call(() -> model.attachOfferProperty().get())).isNull();
        fx.run(model::startAll);
        pulseUntil("web up", () -> webStates().equals(List.of(InstanceState.UP)));
    }

    private TypeRow row(String type) {
        return model.types().stream().filter(t -> t.typeName().equals(type)).findFirst().orElseThrow();
    }

    private InstanceRow instanceRow(String name) {
        return model.types().stream().flatMap(t -> t.instances().stream()).filter(i -> i.id().name().equals(name))
                .findFirst().orElseThrow();
    }

    private dev.procdeck.supervisor.InstanceSnapshot otherSnapshot(String name) {
        return other.snapshots().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    private boolean consoleHas(String text) {
        return model.console().allLines().stream().anyMatch(l -> l.text().contains(text));
    }

    @Test
    void attachingDrivesTheOtherProcdeckThroughItsSocketAndClosingLeavesItsProcessesRunning() throws Exception {
        Path p = Files.createDirectories(dir.resolve("app"));
        Files.writeString(p.resolve("Procfile"), "web: echo \"hello from $PS\"; exec sleep 1000\nworker: exec sleep 1000\n");
        startOther(p, 5200, Map.of("web", 1, "worker", 1));
        Await.until(Duration.ofSeconds(15), () -> otherSnapshot("web.1") != null
                && otherSnapshot("web.1").state() == InstanceState.UP, "web.1 up in the other procdeck");

        // Opening the folder offers to attach; attaching shows the other procdeck's instances as rows.
        fx.call(() -> model.openProject(p)).get(20, TimeUnit.SECONDS);
        Path offered = fx.call(() -> model.attachOfferProperty().get());
        fx.call(() -> model.attach(offered)).get(20, TimeUnit.SECONDS);
        assertThat(fx.call(() -> model.attachedProperty().get())).isTrue();
        assertThat(fx.call(() -> model.readOnlyProperty().get())).isFalse();
        // Driven from here; what needs the project's files or owns the processes stays with that procdeck.
        assertThat(fx.call(() -> model.capabilitiesProperty().get()))
                .containsExactly(dev.procdeck.runtime.RunningApp.Capability.DRIVE);
        assertThat(fx.call(() -> model.titleProperty().get())).startsWith("app \u2014 attached to procdeck "
                + ProcessHandle.current().pid());
        assertThat(fx.call(() -> model.titleProperty().get())).doesNotContain(" via ");
        pulseUntil("web.1 up in the attached window", () -> webStates().equals(List.of(InstanceState.UP)));
        assertThat(fx.call(() -> instanceRow("web.1").snapshot().pid())).isEqualTo(otherSnapshot("web.1").pid());
        assertThat(fx.call(() -> model.formationProperty().get())).isEqualTo("web=1,worker=1");

        // Scaling with the row's control scales the other procdeck; its new instance's output reaches the console.
        fx.run(() -> row("web").scaleProperty().set(2));
        Await.until(Duration.ofSeconds(15), () -> other.scale().get("web") == 2, "the other procdeck scaled to 2");
        pulseUntil("web.2 in the window", () -> webStates().size() == 2);
        pulseUntil("web.2's first line in the console", () -> consoleHas("hello from web.2"));
        assertThat(fx.call(() -> row("web").scaleProperty().get())).isEqualTo(2);

        // Restart gives web.1 a new process; stop stops web.2; both as the other procdeck tells it.
        long before = otherSnapshot("web.1").pid();
        fx.run(() -> model.restart(instanceRow("web.1")));
        Await.until(Duration.ofSeconds(15), () -> otherSnapshot("web.1").pid() != before
                && otherSnapshot("web.1").state() == InstanceState.UP, "web.1 restarted");
        fx.run(() -> model.stop(instanceRow("web.2")));
        Await.until(Duration.ofSeconds(15), () -> otherSnapshot("web.2").state() == InstanceState.STOPPED,
                "web.2 stopped");
        pulseUntil("the rows follow", () -> webStates().equals(List.of(InstanceState.UP, InstanceState.STOPPED))
                && instanceRow("web.1").snapshot().pid() == otherSnapshot("web.1").pid());

        // A refused command is told in the console, with the other procdeck's reason.
        fx.run(() -> model.scale("nosuch", 2));
        pulseUntil("the refusal in the console", () -> consoleHas("scale nosuch=2 failed: "));

        // Closing the window hangs up: the other procdeck's processes keep running, untouched.
        long web1 = otherSnapshot("web.1").pid();
        fx.call(model::shutdown).get(20, TimeUnit.SECONDS);
        assertThat(otherSnapshot("web.1").state()).isEqualTo(InstanceState.UP);
        assertThat(otherSnapshot("web.1").pid()).isEqualTo(web1);
        assertThat(ProcessHandle.of(web1).map(ProcessHandle::isAlive)).contains(true);
    }

    @Test
    void anAttachedWindowShowsTheScheduledJobsOfTheOtherProcdeckAndRunsOneNow() throws Exception {
        Path p = Files.createDirectories(dir.resolve("app"));
        Files.writeString(p.resolve("Procfile"), "web: exec sleep 1000\nreport: echo report done\n");
        Files.writeString(p.resolve("procdeck.yml"), "types:\n  report:\n    schedule: every 1h\n");
        startOther(p, 5500, Map.of("web", 1, "report", 1));
        fx.call(() -> model.attach(server.socket())).get(20, TimeUnit.SECONDS);
        pulseUntil("report shown as a scheduled type", () -> model.jobs().isScheduled("report")
                && model.jobs().summaryProperty("report").get().startsWith("every 1h \u00b7 next "));
        assertThat(fx.call(() -> model.jobs().isScheduled("web"))).isFalse();
        assertThat(fx.call(() -> row("report").stateProperty().get())).startsWith("next ");

        // Run Now asks the other procdeck; its run shows in the row and the history, its output in the console.
        fx.run(() -> model.jobs().runNow("report"));
        pulseUntil("the run's outcome", () -> model.jobs().summaryProperty("report").get().contains("last: exit 0"));
        assertThat(fx.call(() -> model.jobs().historyText("report", java.time.Instant.now())))
                .contains("report.1").contains("exit 0");
        pulseUntil("its output in the console", () -> consoleHas("report done"));
        assertThat(other.jobs().history("report")).hasSize(1);
    }

    @Test
    void anAttachedWindowTypesIntoATtyInstanceOfTheOtherProcdeck() throws Exception {
        Path p = Files.createDirectories(dir.resolve("app"));
        Files.writeString(p.resolve("Procfile"), "console: while read line; do echo \"got:$line\";"
                + " if [ \"$line\" = secret ]; then stty -echo; read pw; stty echo; echo \"pw:${#pw}\"; fi; done\n");
        Files.writeString(p.resolve("procdeck.yml"), "types:\n  console:\n    tty: true\n");
        startOther(p, 5600, Map.of("console", 1));
        fx.call(() -> model.attach(server.socket())).get(20, TimeUnit.SECONDS);
        pulseUntil("console.1 up", () -> instanceRowExists("console.1")
                && instanceRow("console.1").instanceState() == InstanceState.UP);
        var terminal = fx.call(() -> model.terminalOf(instanceRow("console.1"))).orElseThrow();
        assertThat(fx.call(() -> model.terminalOf(instanceRow("console.1")).orElseThrow())).isSameAs(terminal);
        assertThat(fx.call(() -> model.terminalOf(row("console")))).isEmpty();

        assertThat(terminal.write("hello\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isTrue();
        pulseUntil("the program's answer in the console", () -> consoleHas("got:hello"));
        // A password prompt switches echo off over there: the input bar here learns it, to mask what is typed.
        terminal.write("secret\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Await.until(Duration.ofSeconds(15), () -> !terminal.echoEnabled(), "echo off reported");
        terminal.write("hunter2\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        pulseUntil("the password read", () -> consoleHas("pw:7"));
        assertThat(fx.call(() -> model.console().allLines().stream().noneMatch(l -> l.text().contains("hunter2"))))
                .isTrue();

        // A restart gives the instance a new process, and the window a new terminal for it.
        fx.run(() -> model.restart(instanceRow("console.1")));
        long before = otherSnapshot("console.1").pid();
        pulseUntil("console.1 restarted", () -> instanceRow("console.1").snapshot().pid() != before
                && instanceRow("console.1").instanceState() == InstanceState.UP);
        var next = fx.call(() -> model.terminalOf(instanceRow("console.1"))).orElseThrow();
        assertThat(next).isNotSameAs(terminal);
        assertThat(terminal.isOpen()).isFalse(); // the old process's: hung up
        next.write("again\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        pulseUntil("the new process answers", () -> consoleHas("got:again"));
    }

    private boolean instanceRowExists(String name) {
        return model.types().stream().flatMap(t -> t.instances().stream()).anyMatch(i -> i.id().name().equals(name));
    }

    @Test
    void anAttachedWindowSaysSoWhenTheProcdeckItDrivesStops() throws Exception {
        Path p = Files.createDirectories(dir.resolve("app"));
        Files.writeString(p.resolve("Procfile"), "web: exec sleep 1000\n");
        startOther(p, 5300, Map.of("web", 1));
        fx.call(() -> model.attach(server.socket())).get(20, TimeUnit.SECONDS);
        pulseUntil("the web row", () -> webStates().size() == 1);

        server.close();
        server = null;
        pulseUntil("the window says the attachment ended", () -> !model.loadedProperty().get());
        assertThat(fx.call(() -> model.placeholderProperty().get())).contains("stopped")
                .contains("Attach again");
        assertThat(fx.call(() -> model.types())).isEmpty();
        assertThat(fx.call(() -> model.titleProperty().get())).contains("detached");
        // A command now changes nothing and throws nothing.
        fx.run(model::startAll);
    }

    @Test
    void aSocketNobodyAnswersOnLeavesTheWindowAsItWas() throws Exception {
        Path p = Files.createDirectories(dir.resolve("app"));
        Files.writeString(p.resolve("Procfile"), "web: exec sleep 1000\n");
        fx.call(() -> model.openProject(p)).get(20, TimeUnit.SECONDS);
        var attempt = fx.call(() -> model.attach(dir.resolve("nothing.sock")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> attempt.get(20, TimeUnit.SECONDS))
                .hasMessageContaining("nothing.sock");
        assertThat(fx.call(() -> model.attachedProperty().get())).isFalse();
        assertThat(fx.call(() -> model.projectRootProperty().get())).isEqualTo(p.toAbsolutePath().normalize());
        assertThat(fx.call(() -> model.types()).size()).isEqualTo(1);
    }

    /**
     * What {@code ssh -N -L LOCAL:REMOTE host} does, in-process: a socket elsewhere whose every connection is
     * piped to the real one. Closed with the test.
     */
    private static AutoCloseable forward(Path local, Path remote) throws java.io.IOException {
        var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        server.bind(java.net.UnixDomainSocketAddress.of(local));
        Thread accept = new Thread(() -> {
            while (server.isOpen()) {
                try {
                    var in = server.accept();
                    var out = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(remote));
                    pipe(in, out);
                    pipe(out, in);
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }, "test-forward");
        accept.setDaemon(true);
        accept.start();
        return server::close;
    }

    private static void pipe(java.nio.channels.SocketChannel from, java.nio.channels.SocketChannel to) {
        Thread t = new Thread(() -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8192);
            try {
                while (from.read(b) >= 0) {
                    b.flip();
                    while (b.hasRemaining()) {
                        to.write(b);
                    }
                    b.clear();
                }
            } catch (java.io.IOException e) {
                // one side closed
            }
            try {
                to.shutdownOutput();
            } catch (java.io.IOException e) {
                // closed already
            }
        }, "test-pipe");
        t.setDaemon(true);
        t.start();
    }

    @Test
    void aProcdeckBehindAForwardedSocketIsDrivenLikeALocalOne() throws Exception {
        Path p = Files.createDirectories(dir.resolve("remote-app"));
        Files.writeString(p.resolve("Procfile"), "web: exec sleep 1000\n");
        startOther(p, 5400, Map.of("web", 1));
        Path local = dir.resolve("pd.sock");
        try (AutoCloseable tunnel = forward(local, server.socket())) {
            fx.call(() -> model.attach(local)).get(20, TimeUnit.SECONDS);
            assertThat(fx.call(() -> model.titleProperty().get())).contains(p.toRealPath().toString())
                    .contains(" via " + local);
            assertThat(fx.call(() -> model.projectRootProperty().get())).isNull(); // nothing of it is read here
            pulseUntil("web.1 up through the tunnel", () -> webStates().equals(List.of(InstanceState.UP)));
            fx.run(() -> row("web").scaleProperty().set(2));
            Await.until(Duration.ofSeconds(15), () -> other.scale().get("web") == 2, "scaled through the tunnel");
            pulseUntil("web.2 shown", () -> webStates().size() == 2);
        }
    }
}
