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
        CircuitBreakerPolicy circuitBreaker,
        Ticker ticker) {

    public ClientConfig {
        members = List.copyOf(members);
    }
}
