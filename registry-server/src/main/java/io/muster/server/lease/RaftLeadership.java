package io.muster.server.lease;

import io.muster.store.raft.Leadership;
import io.muster.store.raft.LeadershipListener;

/** Turns the Raft member's leadership notifications into {@link LeadershipEvents}. */
final class RaftLeadership implements LeadershipListener {
    private final String self;
    private final LeadershipEvents events;

    private RaftLeadership(String self, LeadershipEvents events) {
        this.self = self;
        this.events = events;
    }

    static void subscribe(Leadership leadership, LeadershipEvents events) {
        leadership.addLeadershipListener(new RaftLeadership(leadership.id(), events));
        long term = leadership.readyTerm();
        if (term > 0) {
            // Already leading when the lease manager started (a single-member cluster elects itself at once).
            events.promoted(term);
        }
    }

    @Override
    public void leaderChanged(String leaderId) {
        if (!self.equals(leaderId)) {
            events.demoted();
        }
    }

    @Override
    public void becameReadyLeader(long term) {
        events.promoted(term);
    }
}
