package dev.procdeck.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procdeck.os.ProcessMetrics;
import dev.procdeck.supervisor.ExitStatus;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import dev.procdeck.supervisor.StopIntent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An instance written into ps and read back by an attached dashboard is the same snapshot, in every state. */
class InstanceWireTest {
    private static final Instant T = Instant.ofEpochMilli(1_764_151_201_250L);

    private static InstanceSnapshot snapshot(InstanceState state, long pid, StopIntent intent,
                                             InstanceLifecycle.StopPhase phase, String waitingFor) {
        return new InstanceSnapshot(InstanceId.parse("web.2"), 5101, state, T, pid, T.minusSeconds(30), 3,
                new ExitStatus(143), state == InstanceState.BACKING_OFF ? T.plusSeconds(4) : null, "crashed, retrying",
                intent, phase, state == InstanceState.UP, waitingFor);
    }

    /** Through the JSON text, as on the socket. */
    private static Map<String, Object> overTheWire(Object instance) {
        return ControlJson.parseObject(ControlJson.write(instance));
    }

    @Test
    void everyStateSurvivesTheRoundTrip() {
        List<InstanceSnapshot> all = List.of(
                snapshot(InstanceState.UP, 4242, null, InstanceLifecycle.StopPhase.NONE, null),
                snapshot(InstanceState.STARTING, 4242, null, InstanceLifecycle.StopPhase.NONE, "http /health"),
                snapshot(InstanceState.STOPPING, 4242, StopIntent.RESTART, InstanceLifecycle.StopPhase.KILL_SENT, null),
                snapshot(InstanceState.BACKING_OFF, -1, null, InstanceLifecycle.StopPhase.NONE, null),
                snapshot(InstanceState.STOPPED, -1, null, InstanceLifecycle.StopPhase.NONE, null),
                snapshot(InstanceState.CRASHED, -1, null, InstanceLifecycle.StopPhase.NONE, null),
                snapshot(InstanceState.EXITED, -1, null, InstanceLifecycle.StopPhase.NONE, null),
                snapshot(InstanceState.FAILED, -1, null, InstanceLifecycle.StopPhase.NONE, null));
        for (InstanceSnapshot s : all) {
            InstanceSnapshot back = InstanceWire.read(overTheWire(InstanceWire.write(s, null, false, T)));
            assertThat(back).as(s.state().label()).isEqualTo(s);
        }
    }

    @Test
    void usageTravelsWithTheInstanceAndIsAbsentWhenNothingRuns() {
        InstanceSnapshot up = snapshot(InstanceState.UP, 4242, null, InstanceLifecycle.StopPhase.NONE, null);
        Map<String, Object> wire = overTheWire(InstanceWire.write(up, new ProcessMetrics.Usage(12.34, 5_000_000), true, T));
        assertThat(InstanceWire.usage(wire)).isEqualTo(new ProcessMetrics.Usage(12.3, 5_000_000));
        assertThat(wire).containsEntry("tty", true).containsEntry("uptimeMs", 30_000L);
        InstanceSnapshot stopped = snapshot(InstanceState.STOPPED, -1, null, InstanceLifecycle.StopPhase.NONE, null);
        assertThat(InstanceWire.usage(overTheWire(InstanceWire.write(stopped, null, false, T)))).isNull();
    }

    @Test
    void whatANewerOrBrokenProcdeckSendsIsReadLenientlyOrRefusedByName() {
        Map<String, Object> newer = overTheWire(InstanceWire.write(
                snapshot(InstanceState.STOPPING, 7, StopIntent.STOP, InstanceLifecycle.StopPhase.SIGNAL_SENT, null),
                null, false, T));
        newer.put("stopIntent", "hibernating");
        newer.put("stopPhase", 42L);
        newer.put("somethingNew", List.of(1L));
        InstanceSnapshot s = InstanceWire.read(newer);
        assertThat(s.stopIntent()).isNull();
        assertThat(s.stopPhase()).isEqualTo(InstanceLifecycle.StopPhase.NONE);

        Map<String, Object> noName = new LinkedHashMap<>(newer);
        noName.put("name", "../../etc");
        assertThatThrownBy(() -> InstanceWire.read(noName)).hasMessageContaining("valid name");
        Map<String, Object> pathName = new LinkedHashMap<>(newer);
        pathName.put("name", "../../etc.1");
        assertThatThrownBy(() -> InstanceWire.read(pathName)).hasMessageContaining("valid name");
        Map<String, Object> controlName = new LinkedHashMap<>(newer);
        controlName.put("name", "web\u001b[2J.1");
        assertThatThrownBy(() -> InstanceWire.read(controlName)).hasMessageNotContaining("\u001b");
        Map<String, Object> oddState = new LinkedHashMap<>(newer);
        oddState.put("state", "dancing");
        assertThatThrownBy(() -> InstanceWire.read(oddState)).hasMessageContaining("unknown state: dancing");
    }

    @Test
    void aPsAnswerKeepsTheInstancesItCanReadAndTheTypesInProcfileOrder() {
        Map<String, Object> ps = new LinkedHashMap<>();
        ps.put("formation", new LinkedHashMap<>(Map.of("web", 2L)));
        ps.put("types", List.of(Map.of("name", "web", "command", "rackup -p $PORT", "tty", false, "scheduled", false),
                Map.of("name", "report", "command", "rake report", "tty", false, "scheduled", true),
                Map.of("name", "bad name\n", "command", "x")));
        InstanceWire.Instance good = InstanceWire.write(snapshot(InstanceState.UP, 9, null,
                InstanceLifecycle.StopPhase.NONE, null), new ProcessMetrics.Usage(1, 2048), false, T);
        ps.put("instances", List.of(good, Map.of("name", "web.3", "state", "dancing"), "junk"));
        AttachedRun.Status status = AttachedRun.parseStatus(ControlJson.parseObject(ControlJson.write(ps)));
        assertThat(status.types()).extracting(AttachedRun.RemoteType::name).containsExactly("web", "report");
        assertThat(status.types().get(1).scheduled()).isTrue();
        assertThat(status.instances()).extracting(InstanceSnapshot::name).containsExactly("web.2");
        assertThat(status.usage()).containsKey("web.2");
        assertThat(status.formation()).containsEntry("web", 2);
    }

    @Test
    void aScheduledJobAndItsRunsSurviveTheRoundTrip() {
        dev.procdeck.supervisor.JobRun done = new dev.procdeck.supervisor.JobRun("report.3", "report", "", "", T,
                T.plusMillis(58), -1, 0, dev.procdeck.supervisor.JobRun.Outcome.EXITED, new ExitStatus(0), "exited 0");
        dev.procdeck.supervisor.JobRun going = new dev.procdeck.supervisor.JobRun("report.4", "report", "", "",
                T.plusSeconds(20), null, 77, 0, dev.procdeck.supervisor.JobRun.Outcome.RUNNING, null, "started");
        dev.procdeck.supervisor.JobStatus status = new dev.procdeck.supervisor.JobStatus("report", "every 20s",
                dev.procdeck.procfile.Overlap.QUEUE, true, T.plusSeconds(40), List.of("report.4"), true, done, 2);
        Map<String, Object> wire = ControlJson.parseObject(ControlJson.write(JobWire.write(status, List.of(going, done))));
        JobWire.Job back = JobWire.read(wire);
        assertThat(back.status()).isEqualTo(status);
        assertThat(back.history()).containsExactly(going, done);

        wire.put("type", "report\n.1");
        assertThatThrownBy(() -> JobWire.read(wire)).hasMessageContaining("valid type");
    }
}
