package io.muster.faults.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.faults.net.Topology;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The members of one run, and what the nemesis asks of them: who leads, and whether all are back and ready. */
public final class ProcessCluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Member> members = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    public ProcessCluster(int size, Path jar, Path workDir, List<String> extraFlags) {
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            peers.add(Topology.memberId(i) + "@" + Topology.memberAddress(i) + ":" + Member.RAFT_PORT);
        }
        for (int i = 0; i < size; i++) {
            members.add(new Member(i, jar, workDir, peers, extraFlags));
        }
    }

    public List<Member> members() {
        return members;
    }

    public Member member(int i) {
        return members.get(i);
    }

    public int size() {
        return members.size();
    }

    public void startAll() {
        members.forEach(Member::start);
    }

    /** The member that says it leads, asked of every running, unpaused member. */
    public Optional<Integer> leader() {
        for (Member m : members) {
            if (!m.running() || m.paused()) {
                continue;
            }
            Optional<JsonNode> cluster = get(m, "/v1/cluster");
            if (cluster.isPresent() && m.id().equals(cluster.get().path("leader").asText(null))) {
                return Optional.of(m.index());
            }
        }
        return Optional.empty();
    }

    /** Waits until every member runs, answers ready, and one of them leads; false at the deadline. */
    public boolean awaitHealthy(Duration timeout) {
        return awaitRecovery(timeout, System::nanoTime).whole();
    }

    /**
     * What {@link #awaitRecovery} saw: whether the cluster was whole again by the deadline, and when (on
     * {@code clock}) a majority first answered ready with a leader among them that answers ready too (the end of the
     * wait if that never happened).
     */
    public record Recovery(boolean whole, long quorumBack) {
    }

    /**
     * Waits until every member runs, answers ready, and one of them leads, noting on the way when a quorum was back:
     * a majority ready, the leader among them. The time noted is taken after the poll that saw it, so it is never
     * earlier than the moment the quorum returned.
     */
    public Recovery awaitRecovery(Duration timeout, java.util.function.LongSupplier clock) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long quorumBack = 0;
        while (System.nanoTime() < deadline) {
            int ready = 0;
            boolean all = true;
            List<Integer> readyMembers = new ArrayList<>();
            for (Member m : members) {
                if (m.running() && !m.paused() && status(m, "/health/ready") == 200) {
                    ready++;
                    readyMembers.add(m.index());
                } else {
                    all = false;
                }
            }
            Optional<Integer> leader = ready > size() / 2 ? leader() : Optional.empty();
            if (quorumBack == 0 && leader.isPresent() && readyMembers.contains(leader.get())) {
                quorumBack = clock.getAsLong();
            }
            if (all && leader.isPresent()) {
                return new Recovery(true, quorumBack);
            }
            sleep(200);
        }
        // Never seen back within the deadline: the quorum was away at least until now.
        return new Recovery(false, quorumBack == 0 ? clock.getAsLong() : quorumBack);
    }

    public int status(Member m, String path) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(m.httpAddress() + path))
                    .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }

    private Optional<JsonNode> get(Member m, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(m.httpAddress() + path))
                    .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (Member m : members) {
            m.kill();
        }
    }
}
