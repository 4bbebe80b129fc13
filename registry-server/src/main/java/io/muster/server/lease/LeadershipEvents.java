package io.muster.server.lease;

/**
 * What the lease manager is told about this member's leadership (etcd's Promote and Demote). Either may arrive
 * late or twice; proposals carry the promoted term, so a late demotion can cost nothing but refused entries.
 */
public interface LeadershipEvents {

    /** This member leads in {@code term} and has applied everything committed before it. */
    void promoted(long term);

    /** This member no longer leads (another member leads, or none is known). */
    void demoted();
}
