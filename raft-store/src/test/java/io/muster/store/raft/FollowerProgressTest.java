package io.muster.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Whom a leader that stops hands over to (defect 4 of issue 15): the follower with the most of the log. */
class FollowerProgressTest {

    @Test
    void theFollowerWithTheMostOfTheLogWins() {
        assertEquals(Optional.of("n3"), FollowerProgress.best(List.of(
                new FollowerProgress("n2", 90, 1), new FollowerProgress("n3", 100, 400))));
    }

    @Test
    void amongEqualsTheOneHeardFromLastThenTheSmallestId() {
        assertEquals(Optional.of("n3"), FollowerProgress.best(List.of(
                new FollowerProgress("n2", 100, 50), new FollowerProgress("n3", 100, 5))));
        assertEquals(Optional.of("n2"), FollowerProgress.best(List.of(
                new FollowerProgress("n3", 100, 5), new FollowerProgress("n2", 100, 5))));
    }

    @Test
    void noFollowerNoTarget() {
        assertEquals(Optional.empty(), FollowerProgress.best(List.of()));
    }
}
