package dev.procdeck.supervisor;

import dev.procdeck.procfile.RestartMode;

import java.time.Duration;
import java.util.Optional;

/**
 * When an instance that ended on its own is started again, like a Heroku dyno: the first restart after a
 * run is immediate, further consecutive ones wait 1 s, 2 s, 4 s... up to {@code maxBackoff}; a run that
 * lasted {@code resetAfter} counts as healthy and resets the sequence.
 */
public record RestartPolicy(RestartMode mode, Duration initialBackoff, Duration maxBackoff, Duration resetAfter) {

    public static final RestartPolicy HEROKU = new RestartPolicy(RestartMode.ALWAYS, Duration.ofSeconds(1),
            Duration.ofMinutes(5), Duration.ofSeconds(60));

    public static RestartPolicy of(RestartMode mode) {
        return new RestartPolicy(mode, HEROKU.initialBackoff, HEROKU.maxBackoff, HEROKU.resetAfter);
    }

    public boolean restarts(ExitStatus status) {
        return switch (mode) {
            case ALWAYS -> true;
            case ON_FAILURE -> !status.success();
            case NEVER -> false;
        };
    }

    /**
     * The wait before restart number {@code consecutive} (1 for the first restart since a healthy run), or
     * empty if the policy does not restart after this exit.
     */
    public Optional<Duration> delayBefore(int consecutive, ExitStatus status) {
        if (!restarts(status)) {
            return Optional.empty();
        }
        if (consecutive <= 1) {
            return Optional.of(Duration.ZERO);
        }
        int doublings = Math.min(consecutive - 2, 30);
        Duration delay = initialBackoff.multipliedBy(1L << doublings);
        return Optional.of(delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay);
    }
}
