package io.muster.store.raft;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * How fresh this member's catalog is, and waiting until it is fresh enough for a read: readers then read the local
 * {@link io.muster.store.catalog.CatalogView}, and never need to know how Raft makes it so. Over Ratis:
 * {@link RaftNode}.
 */
public interface ReadBarrier {

    /** Completes once this member's catalog is as fresh as {@code consistency} asks (design rule 9). */
    CompletableFuture<Long> readBarrier(Consistency consistency);

    /** Milliseconds since this member last heard from a leader; 0 on the leader, -1 if it never has. */
    long lastContactMs();

    /** Milliseconds since this member was created (what a read reports while it has never heard from a leader). */
    long uptimeMs();

    /** The commit index this member knows, to tell how far behind its catalog is. */
    long commitIndex();

    /** False while a member restarted from disk has not yet applied what it had applied before (design rule 3). */
    boolean caughtUpSinceStart();

    /** Why this member stopped applying, if it did (design rule 15): it then serves nothing. */
    Optional<ApplyFailure> applyFailure();
}
