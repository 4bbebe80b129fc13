package io.muster.store.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
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
        Map<String, String> options,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> graceFrom) {

    /** Takeover graces under way ({@link Catalog#graceFrom()}); absent in snapshots written before they existed. */
    @JsonIgnore
    public Map<String, Long> graceFromOrEmpty() {
        return graceFrom == null ? Map.of() : graceFrom;
    }

    public record ServiceData(String name, long index, SortedMap<String, Instance> instances) {
    }
}
