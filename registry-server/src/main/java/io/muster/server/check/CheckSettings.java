package io.muster.server.check;

import java.time.Duration;

/**
 * Tuning of active checks; every field is a server setting ({@code --check-*}).
 *
 * @param failureThreshold consecutive failing results (critical or warning) that turn a passing instance
 *        critical or warning; also the consecutive agreeing results that move it between critical and warning
 * @param successThreshold consecutive passing results that bring a failing instance back to passing. A newly
 *        registered instance needs only one: the contract says it is critical "until its first check passes"
 * @param concurrency most probes in flight at once on this member; due probes beyond it wait their turn, and
 *        a probe's timeout starts only once it runs
 * @param memberTimeout a member the leader has not heard from this long is no longer live, and its checks move
 *        to the others; a member that has not heard from a leader for half of it stops checking on its own
 * @param batchInterval how long transitions are collected before they are proposed as one log entry
 */
public record CheckSettings(
        int failureThreshold,
        int successThreshold,
        int concurrency,
        Duration memberTimeout,
        Duration batchInterval) {

    /** Bytes of a response body read for the note; the rest is never read (the stream is reset). */
    static final int BODY_LIMIT = 4096;
    /** Longest note stored with a status. */
    static final int NOTE_LIMIT = 256;

    public CheckSettings {
        if (failureThreshold < 1 || failureThreshold > 100) {
            throw new IllegalArgumentException("--check-failure-threshold must be 1..100, got " + failureThreshold);
        }
        if (successThreshold < 1 || successThreshold > 100) {
            throw new IllegalArgumentException("--check-success-threshold must be 1..100, got " + successThreshold);
        }
        if (concurrency < 1 || concurrency > 65536) {
            throw new IllegalArgumentException("--check-concurrency must be 1..65536, got " + concurrency);
        }
        if (memberTimeout.toMillis() < 500) {
            throw new IllegalArgumentException("--check-member-timeout must be at least 500ms, got " + memberTimeout);
        }
        if (batchInterval.toMillis() < 10 || batchInterval.toMillis() > 10_000) {
            throw new IllegalArgumentException("--check-batch-interval must be 10ms..10s, got " + batchInterval);
        }
    }

    public static CheckSettings defaults() {
        return new CheckSettings(3, 2, 256, Duration.ofSeconds(3), Duration.ofMillis(200));
    }
}
