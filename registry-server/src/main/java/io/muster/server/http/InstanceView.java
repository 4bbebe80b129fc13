package io.muster.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.muster.store.model.Check;
import io.muster.store.model.Instance;
import io.muster.store.model.Status;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An instance as the read API shows it. Times are RFC 3339 strings. */
record InstanceView(
        String id,
        String address,
        int port,
        List<String> tags,
        Map<String, String> metadata,
        int weight,
        Status status,
        String note,
        @JsonInclude(JsonInclude.Include.NON_NULL) Check check,
        String registeredAt,
        String statusSince) {

    static InstanceView of(Instance i) {
        return new InstanceView(i.id(), i.address(), i.port(), i.tags(), i.metadata(), i.weight(), i.status(), i.note(),
                i.check(), Instant.ofEpochMilli(i.registeredAt()).toString(), Instant.ofEpochMilli(i.statusSince()).toString());
    }
}
