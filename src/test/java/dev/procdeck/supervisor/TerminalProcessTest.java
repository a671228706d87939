package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.logs.LogStream;
import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.procfile.Project;
import dev.procdeck.procfile.ProjectConfig;
import dev.procdeck.procfile.RestartMode;
import dev.procdeck.procfile.TypeConfig;
import dev.procdeck.testing.Await;
import dev.procdeck.testing.ProcessProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tty: true} types with real processes in real pseudo-terminals; the {@code pipe} type has none. */
class TerminalProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final TypeConfig TTY =
            TypeConfig.DEFAULTS.withTty(true).withOverlap(null).withLine(1);

    @TempDir
    Path dir;

    private final ProcessProbe probe = new ProcessProbe();
    private final List<LogLine> lines = Collections.synchronizedList(new ArrayList<>());
    private final List<String> groupsStarted = Collections.synchronizedList(new ArrayList<>());
    private Supervisor supervisor;

    /** A supervisor of {@code tty: <command>} (in a terminal) and {@code pipe: <command>} (without). */
    private Supervisor supervisor(String ttyCommand, String pipeCommand) throws Exception {
        String procfile = "tty: " + ttyCommand + "\n" + (pipeCommand == null ? "" : "pipe: " + pipeCommand + "\n");
        ProjectConfig config = new ProjectConfig(null, Map.of(), Map.of("tty", TTY), List.of());
        Project project = new Project(dir, dir.resolve("Procfile"), ProcfileParser.parse("Procfile", procfile),
                Map.of(probe.name, probe.value), List.of(), config);
        LogBus bus = new LogBus(Clock.systemUTC());
        bus.addListener(dev.procdeck.logs.LogListener.ofLines(lines::addAll));
        SupervisorSettings settings = SupervisorSettings.defaults(46100).withStopTimeout(Duration.ofSeconds(2))
                .withDefaultPolicy(RestartPolicy.of(RestartMode.NEVER));
        supervisor = new Supervisor(project, settings, new PosixProcessLauncher(), bus, Clock.systemUTC(), System.getenv());
        supervisor.setGroupListener(new GroupListener() {
            @Override
            public void groupStarted(long pgid, long startTime, String marker) {
                groupsStarted.add(pgid + " " + marker);
            }

            @Override
            public void groupEnded(long pgid) {
            }
        });
        return supervisor;
    }

    private static final InstanceId TTY_1 = new InstanceId("tty", 1);

    @AfterEach
    void stopEverything() throws Exception {
        if (supervisor != null) {
            supervisor.close();
        }
        Await.until(WAIT, () -> probe.livePids().isEmpty(), () -> "no fixture process left, but " + probe.livePids());
    }

    private List<String> texts(String instance, LogStream stream) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.instance().equals(instance) && l.stream() == stream)
                    .map(LogLine::text).collect(Collectors.toList());
        }
    }

    private void awaitLine(String instance, String text) {
        Await.until(WAIT, () -> texts(instance, LogStream.STDOUT).contains(text),
                () -> instance + " to print '" + text + "', printed " + texts(instance, LogStream.STDOUT)
                        + " and " + texts(instance, LogStream.SYSTEM));
    }

    private InstanceSnapshot snapshot(String name) {
        return supervisor.snapshots().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    private void awaitExit(String name, int code) {
        Await.until(WAIT, () -> snapshot(name).lastExit() != null && !snapshot(name).state().equals(InstanceState.UP),
                () -> name + " to exit, is " + snapshot(name));
        assertThat(snapshot(name).lastExit().code()).as(() -> name + "'s exit; it printed " + texts(name, LogStream.STDOUT)
                + ", procdeck said " + texts(name, LogStream.SYSTEM)).isEqualTo(code);
    }

    private InstanceTerminal terminal() {
        Await.until(WAIT, () -> supervisor.terminal(TTY_1).isPresent(), "tty.1's terminal");
        return supervisor.terminal(TTY_1).orElseThrow();
    }

    /** Fields of /proc/PID/stat after the command name: state, ppid, pgrp, session, tty_nr, ... */
    private static String[] stat(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    @Test
    void aTtyTypeSeesATerminalAsStdinStdoutAndStderrInOneStreamAndLeadsItsOwnGroupAndSession() throws Exception {
        supervisor("[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo tty || echo pipe; tty; echo \"mark=$PROCDECK_MARK\";"
                + " echo err >&2; echo \"term=${TERM:-none}\"; echo started; exec sleep 1000", null);
        supervisor.start(Map.of("tty", 1)).get();
        awaitLine("tty.1", "started");
        List<String> out = texts("tty.1", LogStream.STDOUT);
        assertThat(out.get(0)).isEqualTo("tty");
        assertThat(out.get(1)).matches("/dev/pts/\\d+");
        assertThat(out).contains("mark=" + supervisor.marker(), "err");
        assertThat(out).doesNotContain("term=none");
        assertThat(texts("tty.1", LogStream.STDERR)).isEmpty();

        long pid = snapshot("tty.1").pid();
        String[] stat = stat(pid);
        assertThat(stat[2]).as("pgrp").isEqualTo(String.valueOf(pid));
        assertThat(stat[3]).as("session").isEqualTo(String.valueOf(pid));
        assertThat(stat[4]).as("controlling terminal").isNotEqualTo("0");
        assertThat(groupsStarted).containsExactly(pid + " " + supervisor.marker());
        assertThat(terminal().echoEnabled()).isTrue();
    }

    @Test
    void aLineOfInputReachesTheProgram() throws Exception {
        supervisor("echo ready; read x; echo got:$x; exec sleep 1000", null);
        supervisor.start(Map.of("tty", 1)).get();
        awaitLine("tty.1", "ready");
        assertThat(terminal().write("hello world\n".getBytes(StandardCharsets.UTF_8))).isTrue();
        awaitLine("tty.1", "got:hello world");
    }

    @Test
    void interruptSendsSigintToTheForegroundGroup() throws Exception {
        supervisor("trap 'echo INT; exit 3' INT; echo armed; while :; do sleep 0.1; done", null);
        supervisor.start(Map.of("tty", 1)).get();
        awaitLine("tty.1", "armed");
        assertThat(terminal().interrupt()).isTrue();
        // The terminal echoes the ^C before the trap prints.
        Await.until(WAIT, () -> texts("tty.1", LogStream.STDOUT).stream().anyMatch(l -> l.endsWith("INT")),
                () -> "INT, got " + texts("tty.1", LogStream.STDOUT));
        awaitExit("tty.1", 3);
    }

    @Test
    void eofEndsCat() throws Exception {
        supervisor("cat", null);
        supervisor.start(Map.of("tty", 1)).get();
        InstanceTerminal terminal = terminal();
        terminal.write("line\n".getBytes(StandardCharsets.UTF_8));
        // Echoed by the terminal, then printed by cat.
        Await.until(WAIT, () -> Collections.frequency(texts("tty.1", LogStream.STDOUT), "line") == 2,
                () -> "the line twice, got " + texts("tty.1", LogStream.STDOUT));
        assertThat(terminal.eof()).isTrue();
        awaitExit("tty.1", 0);
        Await.until(WAIT, () -> !terminal.isOpen(), "the terminal to be closed after the run");
        assertThat(supervisor.terminal(TTY_1)).isEmpty();
        assertThat(terminal.write("late\n".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void anAttachmentEndsWithItsRunAndNeverTypesIntoTheNextOne() throws Exception {
        supervisor("echo ready; read x; echo got:$x; exec sleep 1000", null);
        supervisor.start(Map.of("tty", 1)).get();
        awaitLine("tty.1", "ready");
        TerminalAccess.Attachment attachment = supervisor.terminalAccess().attach(TTY_1, bytes -> { })
                .orElseThrow();
        assertThat(attachment.ended()).isFalse();
        supervisor.restartInstance(TTY_1).get();
        Await.until(WAIT, attachment::ended, "the attachment to end with the run it was attached to");
        Await.until(WAIT, () -> Collections.frequency(texts("tty.1", LogStream.STDOUT), "ready") == 2, "the new run");
        attachment.input("stale\n".getBytes(StandardCharsets.UTF_8)); // typed into the old session: goes nowhere
        terminal().write("fresh\n".getBytes(StandardCharsets.UTF_8));
        awaitLine("tty.1", "got:fresh");
        assertThat(texts("tty.1", LogStream.STDOUT)).noneMatch(l -> l.contains("stale"));
        attachment.close();
    }

    @Test
    void resizeIsSeenByTheProgram() throws Exception {
        supervisor("echo ready; read x; stty size; exec sleep 1000", null);
        supervisor.start(Map.of("tty", 1)).get();
        awaitLine("tty.1", "ready");
        InstanceTerminal terminal = terminal();
        terminal.resize(133, 37);
        terminal.write("\n".getBytes(StandardCharsets.UTF_8));
        awaitLine("tty.1", "37 133");
    }

    @Test
    void echoIsOffWhileTheProgramSwitchedItOff() throws Exception {
        supervisor("stty -echo; echo silent; read x; stty echo; echo loud; exec sleep 1000", null);
        supervisor.start(Map.of("tty", 1)).get();
        awaitLine("tty.1", "silent");
        InstanceTerminal terminal = terminal();
        assertThat(terminal.echoEnabled()).isFalse();
        terminal.write("secret\n".getBytes(StandardCharsets.UTF_8));
        awaitLine("tty.1", "loud");
        assertThat(terminal.echoEnabled()).isTrue();
        assertThat(texts("tty.1", LogStream.STDOUT)).doesNotContain("secret");
    }

    @Test
    void stopLeavesNoProcessAndClosesTheTerminal() throws Exception {
        supervisor("sleep 1000 & echo started; exec sleep 1000", null);
        supervisor.start(Map.of("tty", 1)).get();
        awaitLine("tty.1", "started");
        InstanceTerminal terminal = terminal();
        long pgid = snapshot("tty.1").pid();
        Await.until(WAIT, () -> probe.livePids().size() == 2, () -> "two processes, got " + probe.livePids());
        supervisor.stopAll().get(10, TimeUnit.SECONDS);
        Await.until(WAIT, () -> probe.livePids().isEmpty(), () -> "the group to be gone, left " + probe.livePids());
        assertThat(ProcessGroups.POSIX.alive(pgid)).isFalse();
        assertThat(snapshot("tty.1").state()).isEqualTo(InstanceState.STOPPED);
        Await.until(WAIT, () -> !terminal.isOpen(), "the terminal to be closed");
        assertThat(supervisor.terminal(TTY_1)).isEmpty();
    }

    @Test
    void everyLineOfAProgramThatExitsAtOnceIsReadBeforeTheTerminalCloses() throws Exception {
        supervisor("seq 1 5000; printf last", null);
        supervisor.start(Map.of("tty", 1)).get();
        awaitExit("tty.1", 0);
        List<String> out = texts("tty.1", LogStream.STDOUT);
        assertThat(out).hasSize(5001);
        assertThat(out.get(4999)).isEqualTo("5000");
        assertThat(out.get(5000)).isEqualTo("last");
        assertThat(texts("tty.1", LogStream.SYSTEM).get(texts("tty.1", LogStream.SYSTEM).size() - 1))
                .contains("exited");
    }

    @Test
    void aTypeWithoutTtyStillHasPipesAndDevNullAsStdin() throws Exception {
        supervisor("exec sleep 1000", "[ -t 1 ] && echo tty || echo pipe; readlink /proc/self/fd/0; echo err >&2;"
                + " exec sleep 1000");
        supervisor.start(Map.of("pipe", 1)).get();
        awaitLine("pipe.1", "/dev/null");
        Await.until(WAIT, () -> !texts("pipe.1", LogStream.STDERR).isEmpty(), "pipe.1's stderr");
        assertThat(texts("pipe.1", LogStream.STDOUT)).containsExactly("pipe", "/dev/null");
        assertThat(texts("pipe.1", LogStream.STDERR)).containsExactly("err");
        assertThat(supervisor.terminal(new InstanceId("pipe", 1))).isEmpty();
    }
}
