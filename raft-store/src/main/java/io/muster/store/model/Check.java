package io.muster.store.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Duration;

/**
 * How an instance proves it is alive. The JSON form is the contract's: the fields present decide the kind
 * ({@code ttl}, {@code http} or {@code tcp}), so the same shape serves the API, the log and snapshots.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
@JsonSubTypes({
    @JsonSubTypes.Type(Check.Ttl.class),
    @JsonSubTypes.Type(Check.Http.class),
    @JsonSubTypes.Type(Check.Tcp.class)})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface Check {

    /** Remove the instance once it has been critical this long; null means the server default. */
    Duration deregisterAfter();

    /** The status a newly registered instance starts with (contract: TTL passing, probes critical). */
    Status initialStatus();

    /** Renewed by heartbeats; missing the TTL turns the instance critical. */
    record Ttl(Duration ttl, Duration deregisterAfter) implements Check {
        @Override
        public Status initialStatus() {
            return Status.PASSING;
        }
    }

    /** GET the URL every interval; 2xx passing, 429 warning, anything else critical. */
    record Http(String http, Duration interval, Duration timeout, Duration deregisterAfter) implements Check {
        @Override
        public Status initialStatus() {
            return Status.CRITICAL;
        }
    }

    /** A TCP connection to host:port within the timeout is passing. */
    record Tcp(String tcp, Duration interval, Duration timeout, Duration deregisterAfter) implements Check {
        @Override
        public Status initialStatus() {
            return Status.CRITICAL;
        }
    }
}
