package io.muster.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.muster.store.catalog.CatalogView;
import io.muster.store.model.Status;
import io.muster.store.raft.ClusterAdmin;
import io.muster.store.raft.Leadership;
import io.muster.store.raft.LeadershipListener;
import io.muster.store.raft.ReadBarrier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Raft and catalog gauges, and the one log line operators look for first: who leads now. */
public final class RaftMetrics implements LeadershipListener {
    private static final Logger LOG = LoggerFactory.getLogger(RaftMetrics.class);
    private final Leadership leadership;
    private final Counter leaderChanges;
    private volatile String lastLeader;

    public RaftMetrics(CatalogView catalog, Leadership leadership, ReadBarrier reads, ClusterAdmin admin, MeterRegistry meters) {
        this.leadership = leadership;
        this.leaderChanges = Counter.builder("muster_raft_leader_changes").description("leader changes seen by this member").register(meters);
        Gauge.builder("muster_raft_is_leader", () -> leadership.isLeader() ? 1 : 0).description("1 on the leader").register(meters);
        Gauge.builder("muster_raft_has_leader", () -> leadership.leaderId().isPresent() ? 1 : 0).description("1 while a leader is known").register(meters);
        Gauge.builder("muster_raft_term", () -> admin.status().term()).description("current Raft term").register(meters);
        Gauge.builder("muster_raft_commit_index", reads::commitIndex).description("commit index known here").register(meters);
        Gauge.builder("muster_raft_applied_index", catalog::appliedIndex).description("last log index applied here").register(meters);
        Gauge.builder("muster_raft_last_contact_ms", reads::lastContactMs).description("ms since the leader was last heard from (0 on the leader)").register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("muster_raft_tls_refusals", admin, ClusterAdmin::tlsRefusals)
                .description("certificates the Raft port refused (a peer or client without the cluster's CA, or a name mismatch)").register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("muster_raft_crash_elections", admin, ClusterAdmin::crashElections)
                .description("elections this member started at once because the leader's Raft port refused connections (its process was gone)")
                .register(meters);
        for (Status s : Status.values()) {
            Gauge.builder("muster_instances", () -> catalog.services().stream().mapToLong(e -> e.count(s)).sum())
                    .tag("status", s.wireName()).description("registered instances by status").register(meters);
        }
        Gauge.builder("muster_services", () -> catalog.services().stream().filter(e -> !e.instances().isEmpty()).count())
                .description("services with at least one instance").register(meters);
        Gauge.builder("muster_apply_failed", () -> reads.applyFailure().map(f -> f.index()).orElse(0L))
                .description("index of the committed entry this member cannot apply (it stopped applying there), 0 if none")
                .register(meters);
        Gauge.builder("muster_catalog_index", catalog::changeIndex).description("index of the last catalog change").register(meters);
        leadership.addLeadershipListener(this);
    }

    @Override
    public void leaderChanged(String leaderId) {
        if (leaderId != null && !leaderId.equals(lastLeader)) {
            leaderChanges.increment();
            LOG.info("Leader is now {} (seen by {}{})", leaderId, leadership.id(), leaderId.equals(leadership.id()) ? ", this member" : "");
        } else if (leaderId == null && lastLeader != null) {
            LOG.warn("Member {} lost the leader {}", leadership.id(), lastLeader);
        }
        lastLeader = leaderId;
    }
}
