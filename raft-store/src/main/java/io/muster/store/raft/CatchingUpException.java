package io.muster.store.raft;

/**
 * This member restarted from disk and its state is still older than what it served before (it has not yet applied
 * what its log held): it refuses stale reads rather than answer with state that went back. Not {@code no_leader}:
 * another member may answer at once.
 */
public final class CatchingUpException extends RuntimeException {
    public CatchingUpException(String message) {
        super(message);
    }
}
