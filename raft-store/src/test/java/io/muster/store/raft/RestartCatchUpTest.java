package io.muster.store.raft;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A member restarted from disk serves its snapshot's state until it applies its log, which it does only once a leader
 * tells it the commit index. In the fault suite (seed 1) a member that had served index 137 answered a stale read
 * with index 0 right after a restart, and another went from 289 to 261: its stale reads went back.
 */
class RestartCatchUpTest {

    @Test
    void aRestartedMemberHasNotCaughtUpUntilItAppliedItsLog() {
        // Log up to 289, snapshot at 200, commit index not known after the restart (not kept on disk).
        RestartCatchUp c = new RestartCatchUp(289, 200);
        assertFalse(c.caughtUp(200, 200));
        assertFalse(c.caughtUp(261, 200));
        assertTrue(c.caughtUp(289, 200));
        // Caught up once, caught up for good.
        assertTrue(c.caughtUp(0, 0));
    }

    @Test
    void anUncommittedTailCutOffByANewLeaderDoesNotHoldItForever() {
        // Entries 281-289 were never committed; the new leader's commit index, learned after the restart, covers
        // everything the member served before (it was committed), and the member applied it.
        RestartCatchUp c = new RestartCatchUp(289, 200);
        assertFalse(c.caughtUp(250, 280));
        assertTrue(c.caughtUp(280, 280));
    }

    @Test
    void anEmptyOrWipedMemberIsCaughtUpAtOnce() {
        assertTrue(new RestartCatchUp(0, 0).caughtUp(0, 0));
    }
}
