package dev.procdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogLevelTest {
    @Test
    void recognisesCommonShapesOfLevels() {
        assertThat(LogLevel.of("2024-01-01 ERROR db: connection refused")).isEqualTo(LogLevel.ERROR);
        assertThat(LogLevel.of("[WARN] disk 91% full")).isEqualTo(LogLevel.WARN);
        assertThat(LogLevel.of("WARNING: deprecated")).isEqualTo(LogLevel.WARN);
        assertThat(LogLevel.of("time=12:00 level=error msg=boom")).isEqualTo(LogLevel.ERROR);
        assertThat(LogLevel.of("{\"level\":\"warn\",\"msg\":\"slow\"}")).isEqualTo(LogLevel.WARN);
        assertThat(LogLevel.of("{\"severity\": \"INFO\"}")).isEqualTo(LogLevel.INFO);
        assertThat(LogLevel.of("DEBUG cache miss")).isEqualTo(LogLevel.DEBUG);
        assertThat(LogLevel.of("[error] nope")).isEqualTo(LogLevel.ERROR);
    }

    @Test
    void proseIsNotALevel() {
        assertThat(LogLevel.of("no error here, all fine")).isEqualTo(LogLevel.NONE);
        assertThat(LogLevel.of("ERRORS_TOTAL=3")).isEqualTo(LogLevel.NONE);
        assertThat(LogLevel.of("GET / 200")).isEqualTo(LogLevel.NONE);
    }
}
