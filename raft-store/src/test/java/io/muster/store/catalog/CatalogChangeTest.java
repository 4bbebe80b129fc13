package io.muster.store.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogChangeTest {
    @Test
    void drainMergesTheQueuedChangesAndEmptiesTheQueue() {
        Queue<CatalogChange> queue = new ArrayDeque<>();
        queue.add(new CatalogChange(4, Map.of("web", Set.of("a"), "db", Set.of("x")), false));
        queue.add(new CatalogChange(6, Map.of("web", Set.of("b")), false));

        CatalogChange merged = CatalogChange.drain(queue);

        assertEquals(Map.of("web", Set.of("a", "b"), "db", Set.of("x")), merged.instances());
        assertEquals(6, merged.index());
        assertFalse(merged.everything());
        assertTrue(queue.isEmpty());
    }

    @Test
    void oneChangeOfEverythingMakesTheMergeEverything() {
        Queue<CatalogChange> queue = new ArrayDeque<>();
        queue.add(new CatalogChange(4, Map.of("web", Set.of("a")), false));
        queue.add(new CatalogChange(5, Map.of("web", Set.of("a", "b")), true));

        assertTrue(CatalogChange.drain(queue).everything());
        assertEquals(Map.of(), CatalogChange.drain(queue).instances(), "an empty queue drains to no change");
    }
}
