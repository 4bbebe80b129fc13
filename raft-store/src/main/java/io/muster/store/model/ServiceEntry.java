package io.muster.store.model;

import java.util.Map;
import java.util.SortedMap;
import org.pcollections.TreePMap;

/**
 * A service as one consistent, immutable view: its instances and the index of its last change. A service
 * whose last instance left stays as an empty entry, so its index never moves backwards for a blocking reader.
 */
public record ServiceEntry(String name, long index, SortedMap<String, Instance> instances) {

    /**
     * Instances are kept in a persistent map: the catalog publishes a new entry after each change by sharing all
     * but the changed path of the previous one (O(log n)), instead of copying a service of thousands of instances.
     */
    public ServiceEntry {
        instances = instances instanceof TreePMap<String, Instance> persistent ? persistent : TreePMap.from(instances);
    }

    public static ServiceEntry empty(String name) {
        return new ServiceEntry(name, 0, TreePMap.empty());
    }

    /** A service with no instances answering {@code index} (what a removed or unknown service reads as). */
    public static ServiceEntry empty(String name, long index) {
        return new ServiceEntry(name, index, TreePMap.empty());
    }

    /** The instances as a persistent map, to derive a changed copy from. */
    public TreePMap<String, Instance> persistentInstances() {
        return (TreePMap<String, Instance>) instances;
    }

    public long count(Status status) {
        return instances.values().stream().filter(i -> i.status() == status).count();
    }

    public Map<String, Instance> asMap() {
        return instances;
    }
}
