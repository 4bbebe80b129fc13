package io.muster.store.raft;

/**
 * This member could not apply the committed entry at {@code index} (an entry this build cannot read, or a bug). It
 * stopped applying there for good (design rule 15): skipping the entry would silently diverge from the others.
 */
public record ApplyFailure(long index, long term, String reason) {
    public String describe() {
        return "cannot apply log entry " + index + " (term " + term + "): " + reason;
    }
}
