package io.muster.server.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rendezvous hashing: the same answer everywhere, an even spread, and only the necessary keys move. */
class RendezvousTest {
    private static final int KEYS = 30_000;

    private static String key(int i) {
        return "svc-" + (i % 97) + "/instance-" + i;
    }

    @Test
    void answerDependsOnlyOnTheMemberSetNotItsOrder() {
        Rendezvous a = Rendezvous.over(List.of("n1", "n2", "n3"));
        Rendezvous b = Rendezvous.over(List.of("n3", "n1", "n2", "n1"));
        for (int i = 0; i < 1000; i++) {
            assertEquals(a.owner(key(i)), b.owner(key(i)));
        }
    }

    @Test
    void ownersAreFixedAcrossVersions() {
        // Members on different versions must agree: pinned answers catch any change to the hash.
        Rendezvous r = Rendezvous.over(List.of("n1", "n2", "n3"));
        Map<String, String> expected = Map.of("web/a", "n3", "web/b", "n1", "db/primary", "n3", "cache/x", "n2");
        Map<String, String> seen = new HashMap<>();
        expected.keySet().forEach(k -> seen.put(k, r.owner(k).orElseThrow()));
        assertEquals(expected, seen);
        assertEquals(Optional.empty(), Rendezvous.over(List.of()).owner("web/a"));
    }

    @Test
    void keysSpreadEvenlyOverMembers() {
        Rendezvous r = Rendezvous.over(List.of("n1", "n2", "n3", "n4", "n5"));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            counts.merge(r.owner(key(i)).orElseThrow(), 1, Integer::sum);
        }
        int expected = KEYS / 5;
        counts.forEach((m, n) -> assertTrue(Math.abs(n - expected) < expected * 0.05, m + " got " + n + " of " + KEYS));
    }

    @Test
    void aMemberLeavingMovesOnlyItsOwnKeys() {
        Rendezvous before = Rendezvous.over(List.of("n1", "n2", "n3"));
        Rendezvous after = Rendezvous.over(List.of("n1", "n3"));
        Map<String, Integer> inherited = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            String was = before.owner(key(i)).orElseThrow();
            String is = after.owner(key(i)).orElseThrow();
            if (!was.equals("n2")) {
                assertEquals(was, is, key(i) + " moved although its owner stayed");
            } else {
                inherited.merge(is, 1, Integer::sum);
            }
        }
        // n2's keys are shared out, not dumped on one survivor.
        int total = inherited.values().stream().mapToInt(Integer::intValue).sum();
        inherited.forEach((m, n) -> assertTrue(n > total * 0.4, m + " inherited " + n + " of " + total));
    }

    @Test
    void aMemberJoiningTakesAboutItsShareFromEveryone() {
        Rendezvous before = Rendezvous.over(List.of("n1", "n2", "n3"));
        Rendezvous after = Rendezvous.over(List.of("n1", "n2", "n3", "n4"));
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            String was = before.owner(key(i)).orElseThrow();
            String is = after.owner(key(i)).orElseThrow();
            if (!was.equals(is)) {
                assertEquals("n4", is, "a key moved between old members");
                moved++;
            }
        }
        assertTrue(Math.abs(moved - KEYS / 4) < KEYS / 4 * 0.06, "moved " + moved + " of " + KEYS);
    }
}
