package io.muster.server.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.MusterServer;
import io.muster.server.testing.TestCluster;
import io.muster.store.raft.Consistency;
import io.vertx.core.Context;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Defect 7 of issue 15: a default read on a follower called Ratis's ordered client from the route handler, on the
 * event loop. Its 1,024 permits each waited up to the write deadline while there was no leader, so a burst of reads
 * blocked both event loops, and stale reads and DNS on that member stopped answering (the opposite of design rule
 * 12). Here a member that lost its quorum takes a burst of default-read barriers on each of its event loops (as the
 * read route calls them), and must go on answering stale reads and DNS while the burst is being refused.
 *
 * <p>Before the fix each event loop blocked for tens of seconds here (every 1,024 barriers wait out one Ratis retry
 * round of about 4 s, so about 36 s for 10,000); the deadline for a stale read and a DNS answer is 20 s, against the
 * milliseconds they take, so that a loaded machine does not fail it.
 */
class NoLeaderBurstTest {
    private static final int BARRIERS_PER_LOOP = 10_000;

    @Test
    void aBurstOfDefaultReadsWithoutALeaderLeavesStaleReadsAndDnsAnswering() throws Exception {
        try (TestCluster cluster = new TestCluster(3).start()) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            assertEquals(200, cluster.put(leader, "/v1/services/web/instances/w1", "{\"address\":\"10.0.0.1\",\"port\":80}").statusCode());
            int survivor = (leader + 1) % 3;
            TestCluster.await("replicated", Duration.ofSeconds(20), () ->
                    TestCluster.json(cluster.get(survivor, "/v1/services/web?consistency=stale")).get("instances").size() == 1);
            for (int i = 0; i < 3; i++) {
                if (i != survivor) {
                    cluster.kill(i);
                }
            }
            MusterServer member = cluster.server(survivor);

            // Two contexts from outside Vert.x land on the two event loops of the member.
            List<CompletableFuture<Integer>> bursts = new ArrayList<>();
            for (int loop = 0; loop < 2; loop++) {
                Context context = member.vertx().getOrCreateContext();
                CompletableFuture<Integer> refused = new CompletableFuture<>();
                context.runOnContext(v -> {
                    List<CompletableFuture<Long>> barriers = new ArrayList<>(BARRIERS_PER_LOOP);
                    for (int i = 0; i < BARRIERS_PER_LOOP; i++) {
                        barriers.add(member.node().readBarrier(Consistency.DEFAULT));
                    }
                    CompletableFuture.allOf(barriers.toArray(CompletableFuture[]::new)).whenComplete((ok, error) ->
                            refused.complete((int) barriers.stream().filter(CompletableFuture::isCompletedExceptionally).count()));
                });
                bursts.add(refused);
            }
            // And some over HTTP too, on connections of their own.
            List<CompletableFuture<HttpResponse<String>>> reads = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                reads.add(CompletableFuture.supplyAsync(() -> cluster.send("GET", survivor, "/v1/services/web", null, Duration.ofSeconds(60))));
            }

            HttpResponse<String> stale = CompletableFuture.supplyAsync(() ->
                    cluster.send("GET", survivor, "/v1/services/web?consistency=stale", null, Duration.ofSeconds(20))).get(25, TimeUnit.SECONDS);
            assertEquals(200, stale.statusCode(), stale.body());
            assertEquals(1, TestCluster.json(stale).get("instances").size());

            SimpleResolver dns = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), cluster.ports(survivor).dns()));
            dns.setTimeout(Duration.ofSeconds(20));
            Message answer = dns.send(Message.newQuery(Record.newRecord(Name.fromString("web.service.muster."), Type.A, DClass.IN)));
            assertEquals(Rcode.NOERROR, answer.getRcode());
            assertEquals(1, answer.getSection(org.xbill.DNS.Section.ANSWER).size());

            for (CompletableFuture<Integer> burst : bursts) {
                assertEquals(BARRIERS_PER_LOOP, burst.get(60, TimeUnit.SECONDS), "every barrier without a leader fails");
            }
            for (CompletableFuture<HttpResponse<String>> r : reads) {
                HttpResponse<String> response = r.get(60, TimeUnit.SECONDS);
                assertEquals(503, response.statusCode(), response.body());
                assertTrue(response.headers().firstValue("Retry-After").isPresent());
            }
        }
    }
}
