package io.muster.server.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-client token bucket and its limiter, on a fake clock. */
class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);

    @Test
    void aBurstPassesThenTheRateDecides() {
        TokenBucket b = new TokenBucket(10, 5, now.get());
        for (int i = 0; i < 5; i++) {
            assertEquals(0, b.tryTake(now.get()), "burst request " + i);
        }
        long wait = b.tryTake(now.get());
        assertEquals(SECOND / 10, wait, "the next token is a tenth of a second away");

        now.addAndGet(SECOND / 10);
        assertEquals(0, b.tryTake(now.get()));
        assertTrue(b.tryTake(now.get()) > 0);
    }

    @Test
    void aQuietBucketRefillsOnlyToItsBurst() {
        TokenBucket b = new TokenBucket(1, 3, now.get());
        for (int i = 0; i < 3; i++) {
            b.tryTake(now.get());
        }
        now.addAndGet(3600 * SECOND);
        assertTrue(b.full(now.get()));
        for (int i = 0; i < 3; i++) {
            assertEquals(0, b.tryTake(now.get()));
        }
        assertTrue(b.tryTake(now.get()) > 0, "an hour of quiet buys no more than the burst");
    }

    @Test
    void aClockThatStandsStillOrStepsBackGrantsNothingExtra() {
        TokenBucket b = new TokenBucket(1, 1, now.get());
        assertEquals(0, b.tryTake(now.get()));
        assertTrue(b.tryTake(now.get() - SECOND) > 0);
    }

    @Test
    void limiterKeepsClientsApartAndAnswersWholeSecondsAtLeastOne() {
        RateLimiter r = new RateLimiter(2, 2, now::get);
        assertEquals(0, r.retryAfterSeconds("10.0.0.1"));
        assertEquals(0, r.retryAfterSeconds("10.0.0.1"));
        assertEquals(1, r.retryAfterSeconds("10.0.0.1"), "half a second rounds up to Retry-After: 1");
        assertEquals(0, r.retryAfterSeconds("10.0.0.2"), "another client has its own bucket");

        RateLimiter slow = new RateLimiter(0.25, 1, now::get);
        slow.retryAfterSeconds("c");
        assertEquals(4, slow.retryAfterSeconds("c"));
    }

    @Test
    void sweepForgetsOnlyClientsWhoseBucketsRefilled() {
        RateLimiter r = new RateLimiter(1, 1, now::get);
        r.retryAfterSeconds("a");
        now.addAndGet(2 * SECOND);
        r.retryAfterSeconds("b");
        r.sweep();
        assertEquals(1, r.clients(), "a refilled and is forgotten; b just spent its token");
    }

    @Test
    void offLimiterNeverRefusesAndRemembersNoOne() {
        RateLimiter r = new RateLimiter(0, 1, now::get);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, r.retryAfterSeconds("x" + i));
        }
        assertEquals(0, r.clients());
    }

    @Test
    void clientCounterBoundsPerClientAndInTotalAndForgetsIdleClients() {
        ClientCounter c = new ClientCounter(2, 3);
        assertEquals(ClientCounter.Refusal.NONE, c.tryAcquire("a"));
        assertEquals(ClientCounter.Refusal.NONE, c.tryAcquire("a"));
        assertEquals(ClientCounter.Refusal.PER_CLIENT, c.tryAcquire("a"));
        assertEquals(ClientCounter.Refusal.NONE, c.tryAcquire("b"));
        assertEquals(ClientCounter.Refusal.TOTAL, c.tryAcquire("c"));
        assertEquals(3, c.held());
        c.release("a");
        c.release("a");
        c.release("b");
        assertEquals(0, c.held());
        assertEquals(0, c.clients(), "a client holding nothing leaves no entry");
    }
}
