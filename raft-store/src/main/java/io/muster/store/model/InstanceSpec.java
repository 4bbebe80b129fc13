package io.muster.store.model;

import java.util.List;
import java.util.Map;

/**
 * What a client asks to register: the part of an instance it owns. Status and times are the registry's.
 * A record compares by value, which lets a repeated identical registration leave the catalog untouched.
 */
public record InstanceSpec(
        String address,
        int port,
        List<String> tags,
        Map<String, String> metadata,
        int weight,
        Check check) {

    public InstanceSpec {
        tags = List.copyOf(tags);
        // Sorted, so that every node writes the same snapshot bytes whatever its hash seed.
        metadata = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(Map.copyOf(metadata)));
    }
}
