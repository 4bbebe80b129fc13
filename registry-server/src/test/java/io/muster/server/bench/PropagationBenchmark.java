package io.muster.server.bench;

import io.muster.client.MusterClient;
import io.muster.client.RetryPolicy;
import io.muster.client.ServiceView;
import io.muster.client.ServiceViewEvent;
import io.muster.server.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How long a change takes to reach watching clients: from the moment the writer holds the registry's
 * acknowledgement of a registration (or of a heartbeat that turns an instance {@code warning}) to the moment each
 * of 100 {@link ServiceView}s, spread over the three members, hands it to its listener. Prints figures; asserts
 * no speed.
 *
 * <p>Settings: {@code -Dmuster.bench.views=100}, {@code -Dmuster.bench.changes=50} (each a registration and a
 * status change), {@code -Dmuster.bench.warmup=5}.
 */
@Tag("benchmark")
class PropagationBenchmark {
    private static final String SERVICE = "bench";

    /** One change being measured: what the views must come to show, and when each first did. */
    private static final class Change {
        final String id;
        final boolean present;
        final AtomicLongArray seenAt;
        final CountDownLatch remaining;

        Change(String id, boolean present, int views) {
            this.id = id;
            this.present = present;
            this.seenAt = new AtomicLongArray(views);
            this.remaining = new CountDownLatch(views);
        }

        void offer(int view, ServiceViewEvent event, long now) {
            boolean has = event.endpoints().stream().anyMatch(e -> e.id().equals(id));
            if (has == present && seenAt.compareAndSet(view, 0, now)) {
                remaining.countDown();
            }
        }
    }

    private volatile Change current;

    @Test
    void changeReachesOneHundredWatchingViews() throws Exception {
        int viewCount = Integer.getInteger("muster.bench.views", 100);
        int changes = Integer.getInteger("muster.bench.changes", 50);
        int warmup = Integer.getInteger("muster.bench.warmup", 5);
        BenchReport out = new BenchReport("propagation");
        out.line("# propagation: %d views, %d registrations + %d status changes (after %d warm-up rounds)", viewCount,
                changes, changes, warmup);
        out.line("load average before: %s, cores: %d", BenchReport.loadAverage(), Runtime.getRuntime().availableProcessors());

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<MusterClient> clients = new ArrayList<>();
        try (TestCluster cluster = new TestCluster(3).start()) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            // An instance that never leaves, so no view ever sees an empty list (which it would refuse, by design).
            send(http, "PUT", cluster.url(leader), "/v1/services/" + SERVICE + "/instances/anchor",
                    "{\"address\":\"10.0.0.1\",\"port\":80}");
            List<ServiceView> views = new ArrayList<>();
            int[] memberOf = new int[viewCount];
            for (int v = 0; v < viewCount; v++) {
                int first = v % 3;
                memberOf[v] = first;
                MusterClient client = MusterClient.builder()
                        .members(cluster.url(first), cluster.url((first + 1) % 3), cluster.url((first + 2) % 3))
                        .retryPolicy(RetryPolicy.exponentialBackoff(Duration.ofMillis(50), Duration.ofSeconds(1), 4))
                        .build();
                clients.add(client);
                ServiceView view = client.serviceView(SERVICE);
                int index = v;
                view.addListener(event -> {
                    long now = System.nanoTime();
                    Change c = current;
                    if (c != null) {
                        c.offer(index, event, now);
                    }
                });
                views.add(view);
            }
            for (ServiceView view : views) {
                if (!view.awaitReady(Duration.ofSeconds(60))) {
                    throw new AssertionError(view + " not ready");
                }
            }
            out.line("%d views ready; leader is member %d", viewCount, leader);

            List<double[]> appear = new ArrayList<>();
            List<double[]> status = new ArrayList<>();
            List<double[]> onLeader = new ArrayList<>();
            List<double[]> onFollowers = new ArrayList<>();
            int beforeAck = 0;
            int missing = 0;
            double cpuBefore = 0;
            long wallBefore = 0;
            for (int round = -warmup; round < changes; round++) {
                if (round == 0) {
                    cpuBefore = BenchReport.cpuSeconds();
                    wallBefore = System.nanoTime();
                }
                String id = "x-" + (round + warmup);
                String path = "/v1/services/" + SERVICE + "/instances/" + id;
                for (int step = 0; step < 2; step++) {
                    Change change = new Change(id, step == 0, viewCount);
                    current = change;
                    if (step == 0) {
                        send(http, "PUT", cluster.url(leader), path,
                                "{\"address\":\"10.0.1.1\",\"port\":8080,\"check\":{\"ttl\":\"60s\"}}");
                    } else {
                        send(http, "PUT", cluster.url(leader), path + "/heartbeat", "{\"status\":\"warning\"}");
                    }
                    long ackedAt = System.nanoTime();
                    if (!change.remaining.await(30, TimeUnit.SECONDS)) {
                        missing += (int) change.remaining.getCount();
                    }
                    current = null;
                    if (round < 0) {
                        continue;
                    }
                    double[] leaderSamples = new double[viewCount];
                    double[] followerSamples = new double[viewCount];
                    int nl = 0;
                    int nf = 0;
                    double[] samples = new double[viewCount];
                    int n = 0;
                    for (int v = 0; v < viewCount; v++) {
                        long seen = change.seenAt.get(v);
                        if (seen == 0) {
                            continue;
                        }
                        if (seen < ackedAt) {
                            beforeAck++;
                        }
                        double ms = Math.max(0, seen - ackedAt) / 1e6;
                        samples[n++] = ms;
                        if (memberOf[v] == leader) {
                            leaderSamples[nl++] = ms;
                        } else {
                            followerSamples[nf++] = ms;
                        }
                    }
                    (step == 0 ? appear : status).add(java.util.Arrays.copyOf(samples, n));
                    onLeader.add(java.util.Arrays.copyOf(leaderSamples, nl));
                    onFollowers.add(java.util.Arrays.copyOf(followerSamples, nf));
                }
                send(http, "DELETE", cluster.url(leader), path, null);
            }
            double cpu = BenchReport.cpuSeconds() - cpuBefore;
            double wall = (System.nanoTime() - wallBefore) / 1e9;
            out.line("registration -> view:   %s", BenchReport.summary(flatten(appear)));
            out.line("status change -> view:  %s", BenchReport.summary(flatten(status)));
            out.line("all changes:            %s", BenchReport.summary(flatten(appear, status)));
            out.line("  views reading the leader:    %s", BenchReport.summary(flatten(onLeader)));
            out.line("  views reading a follower:    %s", BenchReport.summary(flatten(onFollowers)));
            out.line("seen before the writer had its acknowledgement (counted as 0 ms): %d; never seen within 30 s: %d",
                    beforeAck, missing);
            out.line("measured phase: %.1f s wall, %.1f CPU s for the whole JVM (3 members + %d clients + writer)",
                    wall, cpu, viewCount);
            out.line("load average after: %s", BenchReport.loadAverage());
        } finally {
            clients.forEach(MusterClient::close);
        }
    }

    private static double[] flatten(List<double[]> a) {
        return a.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    private static double[] flatten(List<double[]> a, List<double[]> b) {
        List<double[]> all = new ArrayList<>(a);
        all.addAll(b);
        return flatten(all);
    }

    private static void send(HttpClient http, String method, String base, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
    }
}
