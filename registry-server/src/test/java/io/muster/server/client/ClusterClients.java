package io.muster.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.muster.client.Endpoint;
import io.muster.client.MusterClient;
import io.muster.client.MusterClientBuilder;
import io.muster.client.RetryPolicy;
import io.muster.client.ServiceView;
import io.muster.client.ServiceViewEvent;
import io.muster.server.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Shared pieces of the client-against-cluster tests: clients that fail over quickly, and event recording. */
final class ClusterClients {
    /** Every wait in these tests: far above what a healthy run needs, for a loaded two-core machine. */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private ClusterClients() {
    }

    /**
     * A builder over every member, starting with {@code first} (the member the client prefers until it fails),
     * with retries short enough for a test: 50 ms base, 1 s cap.
     */
    static MusterClientBuilder builder(TestCluster cluster, int size, int first) {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(cluster.url((first + i) % size));
        }
        return MusterClient.builder()
                .members(members)
                .connectTimeout(Duration.ofMillis(500))
                .requestTimeout(Duration.ofSeconds(2))
                .retryPolicy(RetryPolicy.exponentialBackoff(Duration.ofMillis(50), Duration.ofSeconds(1), 6));
    }

    static Set<String> ids(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::id).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    static Set<String> ids(ServiceView view) {
        return ids(view.endpoints());
    }

    static void awaitIds(ServiceView view, Set<String> expected) {
        TestCluster.await(view + " offering " + expected + " (offers " + ids(view) + ")", DEADLINE,
                () -> ids(view).equals(expected));
    }

    static void awaitReady(ServiceView view) throws InterruptedException {
        assertEquals(true, view.awaitReady(DEADLINE), view + " never became ready");
    }

    /** Records a view's events, for tests that look for one that matches. */
    static final class Recorder {
        final List<ServiceViewEvent> events = new CopyOnWriteArrayList<>();

        static Recorder on(ServiceView view) {
            Recorder r = new Recorder();
            view.addListener(r.events::add);
            return r;
        }

        ServiceViewEvent await(String what, Predicate<ServiceViewEvent> match) {
            ServiceViewEvent[] found = new ServiceViewEvent[1];
            TestCluster.await(what + " (events so far: " + summary() + ")", DEADLINE, () -> {
                for (ServiceViewEvent e : events) {
                    if (match.test(e)) {
                        found[0] = e;
                        return true;
                    }
                }
                return false;
            });
            return found[0];
        }

        String summary() {
            return events.stream().map(e -> e.type() + "" + ids(e.endpoints())).collect(Collectors.joining(", "));
        }
    }
}
