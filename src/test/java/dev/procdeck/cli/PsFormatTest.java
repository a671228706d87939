package dev.procdeck.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code procdeck ps} writes an instance's figures. */
class PsFormatTest {
    @Test
    void memoryIsInTheBinaryUnitsTheDashboardShows() {
        // Found: ps said "21.4 MB" for what the dashboard's Memory column called "21.4 MiB" (both were 1024²).
        Map<String, Object> instance = new HashMap<>(Map.of("name", "web.1", "state", "up", "port", 5000,
                "restarts", 0, "rss", 22_440_000L, "cpu", 0.25));
        String[] row = PsCommand.row(instance);
        assertThat(row[8]).isEqualTo("21.4 MiB");
        assertThat(row[7]).isEqualTo("0.3%");
        instance.put("rss", 900_000L);
        assertThat(PsCommand.row(instance)[8]).isEqualTo("878 KiB");
    }

    @Test
    void theMemoryQuotaIsShownNextToTheMemory() {
        Map<String, Object> instance = new HashMap<>(Map.of("name", "web.1", "state", "up", "port", 5000,
                "restarts", 0, "rss", 22_440_000L, "cpu", 0.25, "memoryQuota", 512L << 20));
        assertThat(PsCommand.row(instance)[8]).isEqualTo("21.4 MiB (512 MiB quota)");
        instance.remove("rss");
        assertThat(PsCommand.row(instance)[8]).isEqualTo("- (512 MiB quota)");
        instance.put("memoryQuota", 3L << 29);
        assertThat(PsCommand.row(instance)[8]).isEqualTo("- (1.5 GiB quota)");
        // What ControlServer writes for an instance whose type has memory: in procdeck.yml.
        dev.procdeck.supervisor.InstanceSnapshot s = dev.procdeck.runtime.InstanceWire.read(instance);
        assertThat(dev.procdeck.runtime.InstanceWire.write(s, null, false, 512L << 20, java.time.Instant.now())
                .memoryQuota()).isEqualTo(512L << 20);
    }

    @Test
    void theRouterLineSaysItsUrlTypeRateLatencyAndErrors() {
        Map<String, Object> router = Map.of("url", "http://localhost:5000", "type", "web", "seconds", 10,
                "total", Map.of("requestsPerSecond", 12.5, "errorsPerSecond", 0.0, "p50Ms", 2.38, "p99Ms", 41.2));
        assertThat(PsCommand.routerLine(router))
                .isEqualTo("router http://localhost:5000 \u2192 web: 12.5 req/s, p50 2.4 ms, p99 41 ms, 0 errors/s (last 10 s)");
    }

    @Test
    void theFormationLeavesScheduledTypesOut() {
        Map<String, Object> answer = Map.of("formation", new java.util.LinkedHashMap<>(Map.of("web", 2)),
                "jobs", java.util.List.of(Map.of("type", "report")));
        assertThat(PsCommand.formation(answer)).isEqualTo("web=2");
        java.util.LinkedHashMap<String, Object> both = new java.util.LinkedHashMap<>();
        both.put("web", 2);
        both.put("report", 1);
        assertThat(PsCommand.formation(Map.of("formation", both, "jobs", java.util.List.of(Map.of("type", "report")))))
                .isEqualTo("web=2");
        assertThat(PsCommand.formation(Map.of("formation", both))).isEqualTo("web=2 report=1");
    }
}
