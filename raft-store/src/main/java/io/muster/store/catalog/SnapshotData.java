package io.muster.store.catalog;

import io.muster.store.model.Instance;
import io.muster.store.model.Member;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** Everything a snapshot holds, in the shape it is written; {@link SnapshotFormat} reads and writes it. */
public record SnapshotData(
        String format,
        int version,
        long appliedIndex,
        long changeIndex,
        List<ServiceData> services,
        Map<String, Long> renewals,
        List<Member> members,
        Map<String, String> options) {

    public record ServiceData(String name, long index, SortedMap<String, Instance> instances) {
    }
}
