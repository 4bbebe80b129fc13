package io.muster.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The decisions of {@link CrashedLeaderWatch} on fake time: when a follower probes its silent leader, when it stands,
 * and when it leaves the decision to the election timeout. Election timeout 500 ms: heartbeats every 250 ms, probes
 * after 300 ms of silence, the second voter 125 ms after the first.
 */
class CrashedLeaderWatchTest {
    private static final long TIMEOUT = 500;

    /** A member whose silence, voters and answers the test sets; it records what the watch asked. */
    private static final class FakeMember implements CrashedLeaderWatch.Member {
        final String self;
        Optional<CrashedLeaderWatch.Silence> silence = Optional.empty();
        List<String> voters = List.of("n1", "n2", "n3");
        boolean accept = true;
        final List<String> stood = new ArrayList<>();

        FakeMember(String self) {
            this.self = self;
        }

        void silent(String leader, long term, long ms) {
            silence = Optional.of(new CrashedLeaderWatch.Silence(leader, "127.0.0.1:" + leader.substring(1), term, ms));
        }

        @Override
        public String self() {
            return self;
        }

        @Override
        public Optional<CrashedLeaderWatch.Silence> silence() {
            return silence;
        }

        @Override
        public List<String> voters() {
            return voters;
        }

        @Override
        public boolean standNow(String leader) {
            stood.add(leader);
            return accept;
        }
    }

    private long now;
    private final List<String> probed = new ArrayList<>();
    private boolean refused = true;

    /** The member now reports this silence, and the watch takes one look. */
    private static void look(FakeMember m, CrashedLeaderWatch w, String leader, long term, long silentMs) {
        m.silent(leader, term, silentMs);
        w.tick();
    }

    private CrashedLeaderWatch watch(FakeMember m) {
        return new CrashedLeaderWatch(m, address -> {
            probed.add(address);
            return refused;
        }, () -> now, TIMEOUT);
    }

    @Test
    void aFollowerThatHeardItsLeaderStandsOnceTheLeadersPortRefuses() {
        FakeMember n2 = new FakeMember("n2");
        CrashedLeaderWatch w = watch(n2);
        look(n2, w, "n1", 3, 20);
        look(n2, w, "n1", 3, 280);
        assertTrue(probed.isEmpty(), "a heartbeat may be this late: no probe before 300 ms of silence");
        look(n2, w, "n1", 3, 310);
        assertEquals(List.of("127.0.0.1:1"), probed);
        assertEquals(List.of("n1"), n2.stood);
        assertEquals(1, w.elections());
    }

    @Test
    void aLeaderWhosePortAnswersIsLeftToTheElectionTimeout() {
        FakeMember n2 = new FakeMember("n2");
        CrashedLeaderWatch w = watch(n2);
        refused = false;
        look(n2, w, "n1", 3, 20);
        for (long silent = 300; silent < 2 * TIMEOUT; silent += 25) {
            now += 25;
            look(n2, w, "n1", 3, silent);
        }
        assertFalse(probed.isEmpty());
        assertTrue(probed.size() <= 12, "probed at most every 62 ms, not on every tick: " + probed.size());
        assertTrue(n2.stood.isEmpty(), "a paused or partitioned leader keeps its port: nothing proves it gone");
    }

    @Test
    void aFollowerThatNeverHeardThisLeaderNeverUnseatsIt() {
        // A firewall rejecting this member's packets to the leader: refused, but the member never got through, so
        // standing would unseat a leader the rest of the cluster hears, again after every election.
        FakeMember n2 = new FakeMember("n2");
        CrashedLeaderWatch w = watch(n2);
        look(n2, w, "n1", 3, 400);
        look(n2, w, "n1", 4, 20);
        look(n2, w, "n3", 4, 400);
        assertTrue(n2.stood.isEmpty(), "it heard n1 in term 4, never n3");
        assertTrue(probed.isEmpty());
    }

    @Test
    void theSecondVoterWaitsItsTurnAndStandsOnlyIfNoOneWon() {
        FakeMember n3 = new FakeMember("n3");
        CrashedLeaderWatch w = watch(n3);
        look(n3, w, "n1", 3, 20);
        look(n3, w, "n1", 3, 330);
        assertTrue(probed.isEmpty(), "n2 goes first: two candidates at once split the vote");
        look(n3, w, "n1", 3, 430);
        assertEquals(List.of("n1"), n3.stood);

        FakeMember n3b = new FakeMember("n3");
        CrashedLeaderWatch w2 = watch(n3b);
        look(n3b, w2, "n1", 3, 20);
        look(n3b, w2, "n1", 3, 330);
        look(n3b, w2, "n2", 4, 10); // n2 won meanwhile
        look(n3b, w2, "n2", 4, 120);
        assertTrue(n3b.stood.isEmpty());
    }

    @Test
    void atMostOneEarlyElectionPerCoolDownAndNoneOnceRatisHasStarted() {
        FakeMember n2 = new FakeMember("n2");
        CrashedLeaderWatch w = watch(n2);
        look(n2, w, "n1", 3, 20);
        look(n2, w, "n1", 3, 320);
        assertEquals(1, n2.stood.size());
        // Raft refused or lost that election and the member follows n1 again in a later term; it crashes again.
        now += 1000;
        look(n2, w, "n1", 5, 20);
        look(n2, w, "n1", 5, 320);
        assertEquals(1, n2.stood.size(), "within ten election timeouts of the last one");
        now += 10 * TIMEOUT;
        look(n2, w, "n1", 5, 20);
        look(n2, w, "n1", 5, 320);
        assertEquals(2, n2.stood.size());

        FakeMember late = new FakeMember("n2");
        CrashedLeaderWatch w3 = watch(late);
        look(late, w3, "n1", 3, 20);
        look(late, w3, "n1", 3, 2 * TIMEOUT);
        assertTrue(late.stood.isEmpty(), "past the upper bound Ratis stands by itself");
    }

    @Test
    void aMemberOutsideTheVotersOrARefusedStandCountsNoElection() {
        FakeMember listener = new FakeMember("n4");
        CrashedLeaderWatch w = watch(listener);
        look(listener, w, "n1", 3, 20);
        look(listener, w, "n1", 3, 900);
        assertTrue(listener.stood.isEmpty());

        FakeMember n2 = new FakeMember("n2");
        n2.accept = false;
        CrashedLeaderWatch w2 = watch(n2);
        look(n2, w2, "n1", 3, 20);
        look(n2, w2, "n1", 3, 320);
        assertEquals(1, n2.stood.size());
        assertEquals(0, w2.elections());
    }

    @Test
    void theTcpProbeCountsOnlyARefusal() throws IOException {
        CrashedLeaderWatch.Probe tcp = CrashedLeaderWatch.tcp(CrashedLeaderWatch.PROBE_TIMEOUT_MS);
        int closedPort;
        try (ServerSocket listening = new ServerSocket(0)) {
            closedPort = listening.getLocalPort();
            assertFalse(tcp.refused("127.0.0.1:" + closedPort), "something listens there");
        }
        assertTrue(tcp.refused("127.0.0.1:" + closedPort), "nothing listens there any more");
        assertFalse(tcp.refused("not-an-address"));
        assertFalse(tcp.refused("127.0.0.1:notaport"));
    }
}
