package io.muster.faults.history;

/** How an operation ended, as its client saw it. */
public enum Outcome {
    /** Acknowledged: it happened. */
    OK,
    /** Definitely not applied: refused before any effect (connection refused, 4xx, 429, 503 no_leader). */
    FAIL,
    /** Maybe applied: a timeout, a reset mid-exchange, an ambiguous 5xx. */
    UNKNOWN
}
