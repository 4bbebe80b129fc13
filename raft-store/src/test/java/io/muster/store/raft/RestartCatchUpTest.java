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
        // Log up to 289 (term 3), snapshot at 200: replaying entries of terms up to 3 is not enough.
        RestartCatchUp c = new RestartCatchUp(289, 3);
        assertFalse(c.caughtUp(200, 2));
        assertFalse(c.caughtUp(261, 3));
        assertTrue(c.caughtUp(289, 3));
        // Caught up once, caught up for good.
        assertTrue(c.caughtUp(0, 0));
    }

    @Test
    void aLowCommitIndexFromALeaderThatRestartedTooIsNoProof() {
        // After a quorum loss the new leader (term 4) has just restarted; the member replays old entries of terms up
        // to 3 while the commit it learns is low. CI's seed-1 fault run saw index 0 served after 127 this way.
        RestartCatchUp c = new RestartCatchUp(140, 3);
        assertFalse(c.caughtUp(41, 1));
        assertFalse(c.caughtUp(127, 3));
    }

    @Test
    void anUncommittedTailCutOffByANewLeaderDoesNotHoldItForever() {
        // Entries 281-289 (term 3) were never committed; a leader of term 4 cut them off and appended its own from
        // 281. Applying an entry of term 4 means everything committed before, all the member served, is applied.
        RestartCatchUp c = new RestartCatchUp(289, 3);
        assertFalse(c.caughtUp(280, 3));
        assertTrue(c.caughtUp(281, 4));
    }

    @Test
    void anEmptyOrWipedMemberIsCaughtUpAtOnce() {
        assertTrue(new RestartCatchUp(0, 0).caughtUp(0, 0));
    }
}
