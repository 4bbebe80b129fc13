package io.muster.store.catalog;

import java.util.Map;
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
}
