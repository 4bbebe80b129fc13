package io.muster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Settings fail where they are made, with a message that names the problem. */
class BuilderValidationTest {

    @Test
    void membersMustBeHttpUrlsWithHostAndPort() {
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().members());
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().members("127.0.0.1:8700"));
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().members("ftp://h:1"));
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().members("http://h:1/v1"));
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().members("http://h:1", "http://h:1/"));
        assertThrows(IllegalStateException.class, () -> MusterClient.builder().build(), "members are required");
    }

    @Test
    void aSettingCannotBeGivenTwice() {
        MusterClientBuilder builder = MusterClient.builder().requestTimeout(Duration.ofSeconds(1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> builder.requestTimeout(Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("PT1S"), e.getMessage());
    }

    @Test
    void durationsAndSharesAreRangeChecked() {
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().connectTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().requestTimeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().blockingWait(Duration.ofMinutes(6)));
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().leaderLossBound(Duration.ZERO));
        assertThrows(NullPointerException.class, () -> MusterClient.builder().leaderLossBound(null));
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().protectThreshold(1.0));
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().protectThreshold(-0.1));
        assertThrows(IllegalArgumentException.class, () -> MusterClient.builder().protectThreshold(Double.NaN));
    }

    @Test
    void viewNamesAreChecked() throws Exception {
        try (MusterClient client = MusterClient.builder().members(FakeRegistry.deadAddress()).build()) {
            assertThrows(IllegalArgumentException.class, () -> client.serviceView("Web"));
            assertThrows(IllegalArgumentException.class, () -> client.serviceView("web", Set.of("no_underscore")));
        }
    }

    @Test
    void registrationFollowsTheContractsLimits() {
        assertThrows(IllegalArgumentException.class, () -> Registration.builder("web_1", "a"));
        assertThrows(IllegalArgumentException.class, () -> Registration.builder("web", "-a"));
        Registration.Builder b = Registration.builder("web", "a");
        assertThrows(IllegalArgumentException.class, () -> b.port(0));
        assertThrows(IllegalArgumentException.class, () -> b.port(65536));
        assertThrows(IllegalArgumentException.class, () -> b.weight(1001));
        assertThrows(IllegalArgumentException.class, () -> b.tag("Primary"));
        assertThrows(IllegalArgumentException.class, () -> b.ttl(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.metadata("k", "x".repeat(513)));
        assertThrows(IllegalStateException.class, b::build, "address and port are required");
        b.address("10.0.0.1").port(80);
        assertThrows(IllegalStateException.class, () -> b.port(81));
        for (int i = 0; i < 32; i++) {
            b.tag("t" + i);
        }
        assertThrows(IllegalArgumentException.class, () -> b.tag("t32"));

        Registration r = b.build();
        assertEquals(1, r.weight());
        assertEquals(Registration.DEFAULT_TTL, r.ttl());
        assertTrue(r.deregisterAfter().isEmpty());
    }

    @Test
    void retryPolicyBackoffIsFullJitterUnderAnExponentialCap() {
        RetryPolicy policy = RetryPolicy.exponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(2), 5);
        Random random = new Random(1);
        long[] caps = {100, 200, 400, 800, 1600, 2000, 2000};
        for (int retry = 0; retry < caps.length; retry++) {
            long max = 0;
            for (int i = 0; i < 2000; i++) {
                long d = policy.backoff(retry, random).toMillis();
                assertTrue(d >= 0 && d <= caps[retry], "retry " + retry + " gave " + d);
                max = Math.max(max, d);
            }
            assertTrue(max > caps[retry] * 0.9, "retry " + retry + " reaches near its cap, got " + max);
        }
        assertTrue(policy.backoff(1_000, random).toMillis() <= 2000, "no overflow on a huge retry count");
        assertThrows(IllegalArgumentException.class,
                () -> RetryPolicy.exponentialBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 3));
        assertThrows(IllegalArgumentException.class,
                () -> RetryPolicy.exponentialBackoff(Duration.ofMillis(1), Duration.ofSeconds(1), 0));
    }
}
