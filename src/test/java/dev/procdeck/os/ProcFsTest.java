package dev.procdeck.os;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcFsTest {
    @Test
    void parsesFieldsAfterACommandNameWithSpacesAndParentheses() {
        String line = "4242 (we ird) (name)) S 1 4242 4242 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 98765 1000000 321 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";
        ProcFs.Stat s = ProcFs.parse(4242, line).orElseThrow();
        assertThat(s.state()).isEqualTo('S');
        assertThat(s.ppid()).isEqualTo(1);
        assertThat(s.pgrp()).isEqualTo(4242);
        assertThat(s.userTicks()).isEqualTo(7);
        assertThat(s.systemTicks()).isEqualTo(3);
        assertThat(s.startTicks()).isEqualTo(98765);
        assertThat(s.residentPages()).isEqualTo(321);
    }

    @Test
    void rejectsTruncatedOrGarbledLines() {
        assertThat(ProcFs.parse(1, "1 (sh) S 0 1")).isEmpty();
        assertThat(ProcFs.parse(1, "no parenthesis")).isEmpty();
        assertThat(ProcFs.parse(1, "1 (sh) S x 1 1 0 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0")).isEmpty();
    }

    @Test
    void clockTickAndPageSizeComeFromTheSystemAndOurOwnStatReads() {
        assertThat(ProcFs.clockTicksPerSecond()).isPositive();
        assertThat(ProcFs.pageSize()).isPositive().isEqualTo(ProcFs.pageSize() & -ProcFs.pageSize());
        long self = ProcessHandle.current().pid();
        assertThat(ProcFs.stat(self)).hasValueSatisfying(s -> assertThat(s.state()).isNotEqualTo('Z'));
        assertThat(ProcFs.all()).anyMatch(s -> s.pid() == self);
    }

    @Test
    void aFirstSampleOfABusyGroupGivesItsAverageSinceItStartedNotZero() throws Exception {
        Process busy = new ProcessBuilder("setsid", "sh", "-c", "while :; do :; done").start();
        try {
            long pgid = busy.pid(); // setsid made it a group leader
            dev.procdeck.testing.Await.until(java.time.Duration.ofSeconds(10), () -> ProcFs.stat(pgid)
                    .map(s -> s.pgrp() == pgid && s.userTicks() + s.systemTicks() > 10).orElse(false), "CPU used");
            ProcessMetrics.Usage first = new ProcessMetrics().sample(java.util.Set.of(pgid)).get(pgid);
            assertThat(first.cpuPercent()).isGreaterThan(10).isLessThanOrEqualTo(100 * Runtime.getRuntime()
                    .availableProcessors() + 1);
            assertThat(first.residentBytes()).isPositive();
        } finally {
            busy.destroyForcibly().waitFor();
        }
    }
}
