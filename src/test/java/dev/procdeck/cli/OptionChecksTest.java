package dev.procdeck.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionChecksTest {
    @Test
    void timeoutAcceptsFiniteSecondsFrom0To3600Only() {
        assertThat(OptionChecks.stopTimeout(0)).isEqualTo(Duration.ZERO);
        assertThat(OptionChecks.stopTimeout(2.5)).isEqualTo(Duration.ofMillis(2500));
        assertThat(OptionChecks.stopTimeout(3600)).isEqualTo(Duration.ofHours(1));
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1, 3600.5, 1e18}) {
            assertThatThrownBy(() -> OptionChecks.stopTimeout(bad)).as("%s", bad)
                    .hasMessageContaining("give a number of seconds from 0 to 3600");
        }
    }
}
