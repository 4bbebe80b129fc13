package io.muster.store.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.muster.store.acl.AclState;
import io.muster.store.model.Instance;
import io.muster.store.model.Member;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Everything a snapshot holds, in the shape it is written; {@link SnapshotFormat} reads and writes it. {@code acl}
 * (version 2) is absent in version 1 files and in files of a cluster that never used ACLs.
 */
public record SnapshotData(
        String format,
        int version,
        long appliedIndex,
        long changeIndex,
        List<ServiceData> services,
        Map<String, Long> renewals,
        List<Member> members,
        Map<String, String> options,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> graceFrom,
        @JsonInclude(JsonInclude.Include.NON_NULL) AclState.Data acl) {

    /** A version 1 snapshot: no ACL state. */
    public SnapshotData(String format, int version, long appliedIndex, long changeIndex, List<ServiceData> services,
                        Map<String, Long> renewals, List<Member> members, Map<String, String> options,
                        Map<String, Long> graceFrom) {
        this(format, version, appliedIndex, changeIndex, services, renewals, members, options, graceFrom, null);
    }

    /** Takeover graces under way ({@link Catalog#graceFrom()}); absent in snapshots written before they existed. */
    @JsonIgnore
    public Map<String, Long> graceFromOrEmpty() {
        return graceFrom == null ? Map.of() : graceFrom;
    }

    public record ServiceData(String name, long index, SortedMap<String, Instance> instances) {
    }
}
