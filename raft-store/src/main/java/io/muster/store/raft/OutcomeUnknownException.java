package io.muster.store.raft;

/**
 * A write was sent towards the leader and no answer came back in time: it may have been applied, or may still be.
 * Not {@link NoLeaderException}, which the contract keeps for "not applied": a client that hears this must read
 * or retry (a registration is idempotent; a retried delete answering 404 is done).
 */
public final class OutcomeUnknownException extends RuntimeException {
    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
