package io.muster.store.catalog;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;

/**
 * What one applied entry (or a loaded snapshot) changed: for each service whose answer changed, the ids of the
 * instances added, altered or removed. Listeners that track instances use the ids, so their work follows the size
 * of the change rather than the size of the service. {@code everything} marks a restore or a snapshot load: every
 * service is listed and may have changed in any way, so trackers rebuild from the catalog.
 */
public record CatalogChange(long index, Map<String, Set<String>> instances, boolean everything) {

    public CatalogChange {
        instances = Map.copyOf(instances);
    }

    public Set<String> services() {
        return instances.keySet();
    }

    /**
     * Takes every change queued so far and merges them into one: the instances each touched, and whether any of
     * them changed everything. For trackers that collect changes on the apply thread and act on them later.
     */
    public static CatalogChange drain(Queue<CatalogChange> queue) {
        long index = 0;
        boolean everything = false;
        Map<String, Set<String>> touched = new HashMap<>();
        for (CatalogChange c; (c = queue.poll()) != null; ) {
            index = Math.max(index, c.index());
            everything |= c.everything();
            c.instances().forEach((service, ids) -> touched.computeIfAbsent(service, k -> new HashSet<>()).addAll(ids));
        }
        return new CatalogChange(index, touched, everything);
    }
}
