package io.muster.client;

import java.time.Duration;

/** Client settings scaled down so failures and recoveries happen within a test's patience. */
final class TestClients {

    static final RetryPolicy FAST_RETRY = RetryPolicy.exponentialBackoff(Duration.ofMillis(20), Duration.ofMillis(200), 3);

    private TestClients() {
    }

    static MusterClientBuilder fast(String... members) {
        return fast(Duration.ofSeconds(2), members);
    }

    static MusterClientBuilder fast(Duration blockingWait, String... members) {
        return MusterClient.builder()
                .members(members)
                .connectTimeout(Duration.ofMillis(500))
                .requestTimeout(Duration.ofMillis(800))
                .retryPolicy(FAST_RETRY)
                .blockingWait(blockingWait);
    }
}
