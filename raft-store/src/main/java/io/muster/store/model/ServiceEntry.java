package io.muster.store.model;

import java.util.Map;
import java.util.SortedMap;

/**
 * A service as one consistent, immutable view: its instances and the index of its last change. A service
 * whose last instance left stays as an empty entry, so its index never moves backwards for a blocking reader.
 */
public record ServiceEntry(String name, long index, SortedMap<String, Instance> instances) {

    public ServiceEntry {
        instances = java.util.Collections.unmodifiableSortedMap(instances);
    }

    public static ServiceEntry empty(String name) {
        return new ServiceEntry(name, 0, new java.util.TreeMap<>());
    }

    public long count(Status status) {
        return instances.values().stream().filter(i -> i.status() == status).count();
    }

    public Map<String, Instance> asMap() {
        return instances;
    }
}
