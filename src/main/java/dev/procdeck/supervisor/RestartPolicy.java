package dev.procdeck.supervisor;

import dev.procdeck.procfile.RestartMode;

import java.time.Duration;
import java.util.Optional;

/**
 * When an instance that ended on its own is started again, like a Heroku dyno: the first restart after a
 * run is immediate, further consecutive ones wait 1 s, 2 s, 4 s... up to {@code maxBackoff}; a run that
 * lasted {@code resetAfter} counts as healthy and resets the sequence. After {@code maxRestarts} consecutive
 * restarts (procdeck.yml's {@code max_restarts}; null for no limit) the instance is FAILED instead.
 */
public record RestartPolicy(RestartMode mode, Duration initialBackoff, Duration maxBackoff, Duration resetAfter,
                            Integer maxRestarts) {

    public static final RestartPolicy HEROKU = new RestartPolicy(RestartMode.ALWAYS, Duration.ofSeconds(1),
            Duration.ofMinutes(5), Duration.ofSeconds(60), null);

    public static RestartPolicy of(RestartMode mode) {
        return new RestartPolicy(mode, HEROKU.initialBackoff, HEROKU.maxBackoff, HEROKU.resetAfter, null);
    }

    public RestartPolicy withMode(RestartMode newMode) {
        return new RestartPolicy(newMode, initialBackoff, maxBackoff, resetAfter, maxRestarts);
    }

    /** At most {@code limit} consecutive restarts; null for no limit. */
    public RestartPolicy withMaxRestarts(Integer limit) {
        return new RestartPolicy(mode, initialBackoff, maxBackoff, resetAfter, limit);
    }

    public boolean restarts(ExitStatus status) {
        return restarts(!status.success());
    }

    /** Whether a run that ended on its own, as a failure or not, is started again. */
    public boolean restarts(boolean failure) {
        return switch (mode) {
            case ALWAYS -> true;
            case ON_FAILURE -> failure;
            case NEVER -> false;
        };
    }

    /** True when restart number {@code consecutive} would pass {@code maxRestarts}. */
    public boolean exhausted(int consecutive) {
        return maxRestarts != null && consecutive > maxRestarts;
    }

    /**
     * The wait before restart number {@code consecutive} (1 for the first restart since a healthy run), or
     * empty if the policy does not restart after this exit.
     */
    public Optional<Duration> delayBefore(int consecutive, ExitStatus status) {
        return delayBefore(consecutive, !status.success());
    }

    public Optional<Duration> delayBefore(int consecutive, boolean failure) {
        if (!restarts(failure)) {
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
