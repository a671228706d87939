package dev.procdeck.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.procfile.ProcfileParser;
import dev.procdeck.supervisor.InstanceId;
import dev.procdeck.supervisor.InstanceLifecycle;
import dev.procdeck.supervisor.InstanceSnapshot;
import dev.procdeck.supervisor.InstanceState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a starting instance waits for shows in its state badge (and so its tooltip), and in its type's summary. */
class ReadinessBadgeTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static InstanceSnapshot snapshot(String type, int n, InstanceState state, String waitingFor) {
        return new InstanceSnapshot(new InstanceId(type, n), 5000 + n, state, NOW, state == InstanceState.STARTING ? 100 + n : -1,
                NOW, 0, null, null, "", null, InstanceLifecycle.StopPhase.NONE, false, waitingFor);
    }

    @Test
    void aStartingInstanceSaysWhatItWaitsForAndItsTypeSummarisesIt() throws Exception {
        ProcessTableModel table = new ProcessTableModel((type, count) -> { });
        table.setTypes(ProcfileParser.parse("Procfile", "web: ./web\napi: ./api\n"));
        table.apply(snapshot("web", 1, InstanceState.STARTING, "http /health"));
        table.apply(snapshot("web", 2, InstanceState.STARTING, "http /health"));
        table.apply(snapshot("api", 1, InstanceState.STARTING, "worker"));
        table.apply(snapshot("api", 2, InstanceState.UP, null));
        table.tick(NOW);

        TypeRow web = table.type("web").orElseThrow();
        assertThat(web.instances().get(0).stateProperty().get()).isEqualTo("starting \u00b7 waiting for http /health");
        assertThat(web.stateProperty().get()).isEqualTo("2 starting \u00b7 waiting for http /health");
        TypeRow api = table.type("api").orElseThrow();
        assertThat(api.instances().get(0).stateProperty().get()).isEqualTo("starting \u00b7 waiting for worker");
        assertThat(api.stateProperty().get()).endsWith(" \u00b7 waiting for worker").contains("1 up");

        // Ready: the wait is over and the badge says so.
        table.apply(snapshot("web", 1, InstanceState.UP, null));
        table.apply(snapshot("web", 2, InstanceState.UP, null));
        table.tick(NOW);
        assertThat(web.instances().get(0).stateProperty().get()).isEqualTo("up");
        assertThat(web.stateProperty().get()).isEqualTo("2/2 up");
        assertThat(InstanceRow.stateLabel(snapshot("web", 1, InstanceState.STARTING, null))).isEqualTo("starting");
    }
}
