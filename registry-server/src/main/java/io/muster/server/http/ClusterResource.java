package io.muster.server.http;

import io.muster.store.catalog.CatalogView;
import io.muster.store.model.Member;
import io.muster.store.raft.ClusterAdmin;
import io.muster.store.raft.ClusterStatus;
import io.muster.store.raft.RaftSettings;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /v1/cluster}: who leads, who is a member, and changing that. */
final class ClusterResource {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterResource.class);
    private final CatalogView catalog;
    private final ClusterAdmin admin;

    ClusterResource(CatalogView catalog, ClusterAdmin admin) {
        this.catalog = catalog;
        this.admin = admin;
    }

    void get(RoutingContext ctx) {
        ClusterStatus s = admin.status();
        Map<String, Member> published = catalog.members();
        List<Map<String, Object>> members = new ArrayList<>();
        for (ClusterStatus.MemberStatus m : s.members()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", m.id());
            row.put("raftAddress", m.raftAddress());
            Member info = published.get(m.id());
            row.put("httpAddress", info == null ? null : info.httpAddress());
            row.put("role", m.role());
            row.put("lastContactMs", m.lastContactMs());
            row.put("appliedIndex", m.appliedIndex());
            members.add(row);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leader", s.leader().orElse(null));
        body.put("term", s.term());
        body.put("members", members);
        Replies.json(ctx, 200, body);
    }

    record AddMember(String id, String raftAddress, String httpAddress) {
    }

    record Transfer(String to) {
    }

    void add(RoutingContext ctx) {
        AddMember m = Bodies.parse(Bodies.jsonBody(ctx, true), AddMember.class);
        if (m.id() == null || !io.muster.store.model.Names.isInstanceId(m.id())) {
            throw ApiException.invalid("id", "id is required: letters, digits, '.', '_', ':', '-'");
        }
        if (m.raftAddress() == null || !RegistrationParser.isHostPort(m.raftAddress())) {
            throw ApiException.invalid("raftAddress", "raftAddress must be host:port, with a port from 1 to 65535");
        }
        if (m.httpAddress() != null && !RegistrationParser.isHostPort(m.httpAddress())) {
            throw ApiException.invalid("httpAddress", "httpAddress must be host:port, with a port from 1 to 65535");
        }
        blocking(ctx, () -> {
            List<RaftSettings.Peer> peers = new ArrayList<>(admin.peers());
            if (peers.stream().anyMatch(p -> p.id().equals(m.id()))) {
                throw new ApiException(409, "conflict", "member " + m.id() + " already exists", "id", null);
            }
            peers.add(new RaftSettings.Peer(m.id(), m.raftAddress()));
            admin.setMembers(peers);
            LOG.info("Member {} at {} added to the cluster", m.id(), m.raftAddress());
        });
    }

    void remove(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!io.muster.store.model.Names.isInstanceId(id)) {
            throw ApiException.invalid("id", "member id must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");
        }
        blocking(ctx, () -> {
            List<RaftSettings.Peer> peers = new ArrayList<>(admin.peers());
            if (!peers.removeIf(p -> p.id().equals(id))) {
                throw ApiException.notFound("no member " + id);
            }
            if (peers.isEmpty()) {
                throw ApiException.invalid("id", "cannot remove the last member");
            }
            admin.setMembers(peers);
            LOG.info("Member {} removed from the cluster", id);
        });
    }

    void transfer(RoutingContext ctx) {
        byte[] body = Bodies.jsonBody(ctx, false);
        Transfer t = body.length == 0 ? new Transfer(null) : Bodies.parse(body, Transfer.class);
        if (t.to() != null && !io.muster.store.model.Names.isInstanceId(t.to())) {
            throw ApiException.invalid("to", "to must be a member id");
        }
        blocking(ctx, () -> {
            String to = t.to();
            if (to == null) {
                to = admin.status().members().stream()
                        .filter(m -> !m.role().equals("leader"))
                        .max(java.util.Comparator.comparingLong(ClusterStatus.MemberStatus::appliedIndex))
                        .map(ClusterStatus.MemberStatus::id)
                        .orElseThrow(() -> ApiException.unavailable("no follower to hand leadership to"));
            }
            String target = to;
            if (admin.peers().stream().noneMatch(p -> p.id().equals(target))) {
                throw ApiException.invalid("to", "no member " + target);
            }
            admin.transferLeadership(target, Duration.ofSeconds(10));
            LOG.info("Leadership transferred to {}", target);
        });
    }

    private interface IoAction {
        void run() throws Exception;
    }

    private void blocking(RoutingContext ctx, IoAction action) {
        ctx.vertx().<Void>executeBlocking(() -> {
            action.run();
            return null;
        }, false).onSuccess(v -> get(ctx)).onFailure(t -> {
            if (t instanceof ApiException) {
                Replies.error(ctx, t);
            } else {
                Replies.error(ctx, ApiException.unavailable("cluster change failed: " + t.getMessage()));
            }
        });
    }
}
