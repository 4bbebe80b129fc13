package io.muster.server.check;

import io.muster.store.model.Status;
import java.util.Optional;

/**
 * The run of recent results for one instance, and the threshold rule that turns results into a transition
 * (design rule 8: one lost packet must not flap an instance). Counting is Consul's, with one refinement:
 *
 * <ul>
 *   <li>a failing instance turns passing after {@code successThreshold} passing results in a row;
 *   <li>a passing instance turns failing after {@code failureThreshold} non-passing results in a row (429s and
 *       errors alike), taking the latest result's status, warning or critical;
 *   <li>a failing instance moves between warning and critical only after {@code failureThreshold} results in a
 *       row of the new status, so an instance that is already warning does not go critical on one lost packet;
 *   <li>a fresh instance (still in the critical state it was registered with) passes on its first passing
 *       result, as the contract promises.
 * </ul>
 *
 * <p>Not thread-safe: one scheduler thread owns it.
 */
final class CheckState {
    private int successes;
    private int failures;
    private int same;
    private Status last;

    /**
     * Records one result against the instance's {@code current} status and returns the status to propose when
     * this result makes a transition due. Keeps returning it on later agreeing results until the status changes,
     * so a lost proposal is retried by the next result.
     */
    Optional<Status> record(Status result, Status current, boolean fresh, int failureThreshold, int successThreshold) {
        same = result == last ? same + 1 : 1;
        last = result;
        if (result == Status.PASSING) {
            successes++;
            failures = 0;
        } else {
            failures++;
            successes = 0;
        }
        if (result == current) {
            return Optional.empty();
        }
        boolean due;
        if (result == Status.PASSING) {
            due = fresh || successes >= successThreshold;
        } else if (current == Status.PASSING) {
            due = failures >= failureThreshold;
        } else {
            due = same >= failureThreshold;
        }
        return due ? Optional.of(result) : Optional.empty();
    }

    /** Forgets the run, as when the check itself changed. */
    void reset() {
        successes = 0;
        failures = 0;
        same = 0;
        last = null;
    }
}
