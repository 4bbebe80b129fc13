package io.muster.store.raft;

/**
 * A request that never reached Ratis's client: its hand-off to the sending thread was refused (the member is
 * shutting down). Ratis's own "already closed" does not prove this; see {@link RequestFailures}.
 */
final class NotSentException extends RuntimeException {
    NotSentException(Throwable cause) {
        super("not sent: " + cause, cause);
    }
}
