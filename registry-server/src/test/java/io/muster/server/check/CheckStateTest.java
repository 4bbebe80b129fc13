package io.muster.server.check;

import static io.muster.store.model.Status.CRITICAL;
import static io.muster.store.model.Status.PASSING;
import static io.muster.store.model.Status.WARNING;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.muster.store.model.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The threshold rule, result by result, with no clock and no sleeps (failure threshold 3, success 2). */
class CheckStateTest {
    private final CheckState state = new CheckState();

    /** Feeds results to an instance whose catalog status follows the transitions, and lists the transitions. */
    private List<Status> run(Status start, boolean fresh, Status... results) {
        List<Status> transitions = new ArrayList<>();
        Status current = start;
        for (Status r : results) {
            Optional<Status> to = state.record(r, current, fresh, 3, 2);
            if (to.isPresent()) {
                transitions.add(to.get());
                current = to.get();
                fresh = false;
            }
        }
        return transitions;
    }

    @Test
    void passingTurnsCriticalOnlyAfterThreeFailuresInARow() {
        assertEquals(List.of(), run(PASSING, false, CRITICAL, CRITICAL, PASSING, CRITICAL, CRITICAL, PASSING));
        assertEquals(List.of(CRITICAL), run(PASSING, false, CRITICAL, CRITICAL, CRITICAL));
    }

    @Test
    void criticalComesBackAfterTwoPassesInARow() {
        assertEquals(List.of(), run(CRITICAL, false, PASSING, CRITICAL, PASSING, CRITICAL));
        assertEquals(List.of(PASSING), run(CRITICAL, false, PASSING, PASSING));
    }

    @Test
    void freshInstancePassesOnItsFirstPass() {
        assertEquals(List.of(PASSING), run(CRITICAL, true, PASSING));
    }

    @Test
    void mixedFailuresCountTogetherAndTheLatestDecides() {
        assertEquals(List.of(WARNING), run(PASSING, false, CRITICAL, CRITICAL, WARNING));
        state.reset();
        assertEquals(List.of(CRITICAL), run(PASSING, false, WARNING, WARNING, CRITICAL));
    }

    @Test
    void warningTurnsCriticalOnlyAfterThreeCriticalsInARow() {
        assertEquals(List.of(), run(WARNING, false, CRITICAL, WARNING, CRITICAL, CRITICAL, WARNING));
        state.reset();
        assertEquals(List.of(CRITICAL), run(WARNING, false, CRITICAL, CRITICAL, CRITICAL));
    }

    @Test
    void aTransitionStaysDueOnLaterAgreeingResultsUntilApplied() {
        // The scheduler may lose a proposal (no leader); the next agreeing result proposes it again.
        for (int i = 0; i < 3; i++) {
            state.record(CRITICAL, PASSING, false, 3, 2);
        }
        assertEquals(Optional.of(CRITICAL), state.record(CRITICAL, PASSING, false, 3, 2));
    }

    @Test
    void resultsAgreeingWithTheStatusChangeNothing() {
        assertEquals(List.of(), run(PASSING, false, PASSING, PASSING, PASSING, PASSING));
        assertEquals(List.of(), run(CRITICAL, false, CRITICAL, CRITICAL, CRITICAL, CRITICAL));
    }

    @Test
    void thresholdOfOneActsOnEveryChange() {
        assertEquals(Optional.of(CRITICAL), state.record(CRITICAL, PASSING, false, 1, 1));
        assertEquals(Optional.of(PASSING), state.record(PASSING, CRITICAL, false, 1, 1));
    }

    @Test
    void resetForgetsTheRun() {
        state.record(CRITICAL, PASSING, false, 3, 2);
        state.record(CRITICAL, PASSING, false, 3, 2);
        state.reset();
        assertEquals(Optional.empty(), state.record(CRITICAL, PASSING, false, 3, 2));
    }
}
