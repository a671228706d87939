package dev.procdeck.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procdeck.os.Signal;
import dev.procdeck.procfile.Readiness;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link InstanceController}'s narrow ports: a test fakes only those it uses. Here an instance whose type has left
 * the Procfile never reaches the process machinery or the readiness checks, which are left out altogether.
 */
class InstanceControllerPortsTest {
    /** A plan for one instance whose type has gone; what it does not expect to be asked fails the test. */
    private static final class GonePlan implements InstanceController.Plan {
        @Override
        public int portFor(InstanceId id) {
            return 5000;
        }

        @Override
        public Optional<LaunchSpec> launchSpec(InstanceId id, int port) {
            return Optional.empty();
        }

        @Override
        public Optional<String> awaitedDependencies(InstanceId id) {
            return Optional.empty();
        }

        @Override
        public Duration stopTimeout(InstanceId id) {
            throw new AssertionError("nothing runs, nothing stops");
        }

        @Override
        public Signal stopSignal(InstanceId id) {
            throw new AssertionError("nothing runs, nothing stops");
        }

        @Override
        public Optional<Readiness> readiness(InstanceId id) {
            throw new AssertionError("nothing spawned, nothing to check");
        }
    }

    /** Records what the controller tells its owner. */
    private static final class RecordingOwner implements InstanceController.Owner {
        final List<InstanceLifecycle.Transition> transitions = new ArrayList<>();
        int runsEnded;

        @Override
        public void publish(InstanceController controller, InstanceLifecycle.Transition transition) {
            if (transition != null) {
                transitions.add(transition);
            }
        }

        @Override
        public void event(InstanceId id, String text) {
            throw new AssertionError("no event expected: " + text);
        }

        @Override
        public void removed(InstanceController controller) {
            throw new AssertionError("not retired");
        }

        @Override
        public void runEnded(InstanceController controller) {
            runsEnded++;
        }
    }

    @Test
    void aStartWhoseTypeHasGoneFailsWithoutTouchingAProcess() {
        InstanceId id = new InstanceId("web", 1);
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        RecordingOwner owner = new RecordingOwner();
        InstanceController controller = new InstanceController(id,
                new InstanceLifecycle(id, 5000, RestartPolicy.HEROKU, clock), null, null, new GonePlan(), owner);

        controller.start();

        assertThat(owner.transitions).extracting(InstanceLifecycle.Transition::to)
                .containsExactly(InstanceState.STARTING, InstanceState.FAILED);
        assertThat(owner.transitions.get(1).description()).contains("process type no longer in the Procfile");
        assertThat(owner.runsEnded).isEqualTo(1);
        assertThat(controller.hasRun()).isFalse();
    }
}
