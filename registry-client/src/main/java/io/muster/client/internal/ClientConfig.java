package io.muster.client.internal;

import io.muster.client.CircuitBreakerPolicy;
import io.muster.client.RetryPolicy;
import io.muster.client.Ticker;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every setting of a client, resolved and checked by the builder. */
public record ClientConfig(
        List<URI> members,
        Duration connectTimeout,
        Duration requestTimeout,
        RetryPolicy retryPolicy,
        Duration blockingWait,
        double protectThreshold,
        Optional<Path> cacheDirectory,
        Clock clock,
        Optional<javax.net.ssl.SSLContext> sslContext,
        Optional<String> token,
        Duration leaderLossBound,

        CircuitBreakerPolicy circuitBreaker,
        Ticker ticker) {

    public ClientConfig {
        members = List.copyOf(members);
    }

    /** Without TLS settings or a token. */
    public ClientConfig(List<URI> members, Duration connectTimeout, Duration requestTimeout, RetryPolicy retryPolicy,
                        Duration blockingWait, double protectThreshold, Optional<Path> cacheDirectory, Clock clock) {
        this(members, connectTimeout, requestTimeout, retryPolicy, blockingWait, protectThreshold, cacheDirectory, clock, Optional.empty(), Optional.empty(),
                Duration.ofSeconds(3), // the builder's default leaderLossBound
                CircuitBreakerPolicy.defaults(), Ticker.system());
    }

    @Override
    public String toString() {
        // Never the token: a config may end up in a log line.
        return "ClientConfig[members=" + members + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", blockingWait=" + blockingWait + ", token=" + (token.isPresent() ? "set" : "none") + "]";
    }
}
