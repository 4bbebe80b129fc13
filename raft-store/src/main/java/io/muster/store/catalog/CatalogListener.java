package io.muster.store.catalog;

/**
 * Told after each applied entry that changed what reads return. Runs on the Raft apply thread: it must only
 * hand work off (complete a future, schedule a task), never block or do I/O.
 */
@FunctionalInterface
public interface CatalogListener {
    void changed(CatalogChange change);
}
