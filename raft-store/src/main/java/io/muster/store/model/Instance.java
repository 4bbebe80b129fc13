package io.muster.store.model;

import java.util.List;
import java.util.Map;

/**
 * One registered instance as the catalog holds it. Immutable: readers on other threads see either the old or
 * the new value, never a half-applied one. Times are epoch milliseconds chosen by the leader (design rule 1).
 */
public record Instance(
        String id,
        InstanceSpec spec,
        Status status,
        String note,
        long registeredAt,
        long statusSince) {

    public String address() {
        return spec.address();
    }

    public int port() {
        return spec.port();
    }

    public List<String> tags() {
        return spec.tags();
    }

    public Map<String, String> metadata() {
        return spec.metadata();
    }

    public int weight() {
        return spec.weight();
    }

    public Check check() {
        return spec.check();
    }

    public Instance withStatus(Status newStatus, String newNote, long at) {
        long since = newStatus == status ? statusSince : at;
        return new Instance(id, spec, newStatus, newNote, registeredAt, since);
    }
}
