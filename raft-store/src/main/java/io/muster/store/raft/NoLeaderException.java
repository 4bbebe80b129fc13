package io.muster.store.raft;

/** The cluster has no leader this node can reach (no quorum, an election in progress, or shutting down). */
public final class NoLeaderException extends RuntimeException {
    public NoLeaderException(String message, Throwable cause) {
        super(message, cause);
    }
}
