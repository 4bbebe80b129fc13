package io.muster.server.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.muster.store.command.ReplicatedOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The leader's live-set rule (timeout 3 s) and how every member reads the replicated set; no clock, no cluster. */
class LiveMembersTest {
    private static final long TIMEOUT = 3000;

    @Test
    void aSilentMemberTurnsDeadAfterTheTimeout() {
        List<String> all = List.of("n1", "n2", "n3");
        assertEquals(all, LiveMembers.next(all, Map.of("n1", 0L, "n2", 2900L, "n3", 100L), "n1", TIMEOUT, true));
        assertEquals(List.of("n1", "n3"), LiveMembers.next(all, Map.of("n1", 0L, "n2", 3100L, "n3", 100L), "n1", TIMEOUT, true));
        assertEquals(List.of("n1", "n3"), LiveMembers.next(all, Map.of("n1", 0L, "n2", -1L, "n3", 100L), "n1", TIMEOUT, true));
    }

    @Test
    void aNewLeaderDropsNobodyDuringItsFirstTimeout() {
        List<String> all = List.of("n1", "n2", "n3");
        assertEquals(all, LiveMembers.next(all, Map.of("n1", -1L, "n2", 0L, "n3", -1L), "n2", TIMEOUT, false));
    }

    @Test
    void aDeadMemberIsLiveAgainOnlyOnceItAnswersPromptly() {
        List<String> two = List.of("n1", "n3");
        assertEquals(two, LiveMembers.next(two, Map.of("n1", 0L, "n2", 2000L, "n3", 100L), "n1", TIMEOUT, true));
        assertEquals(List.of("n1", "n2", "n3"), LiveMembers.next(two, Map.of("n1", 0L, "n2", 200L, "n3", 100L), "n1", TIMEOUT, true));
    }

    @Test
    void theLeaderAlwaysCountsItself() {
        assertEquals(List.of("n2"), LiveMembers.next(List.of("n1"), Map.of("n1", -1L, "n2", -1L), "n2", TIMEOUT, true));
    }

    @Test
    void membersReadTheOptionWithinTheCurrentPeers() {
        List<String> peers = List.of("n1", "n2", "n3");
        assertEquals(peers, LiveMembers.agreed(Optional.empty(), peers));
        assertEquals(List.of("n1", "n3"), LiveMembers.agreed(ReplicatedOption.LIVE_MEMBERS.read(Optional.of("n3,n1")), peers));
        assertEquals(List.of("n1"), LiveMembers.agreed(ReplicatedOption.LIVE_MEMBERS.read(Optional.of("n1,n9")), peers), "a removed member never counts");
        assertEquals(peers, LiveMembers.agreed(ReplicatedOption.LIVE_MEMBERS.read(Optional.of("n9")), peers), "no overlap: fall back to every peer");
    }
}
