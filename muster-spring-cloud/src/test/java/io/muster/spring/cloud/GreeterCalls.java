package io.muster.spring.cloud;

import io.muster.server.testing.TestCluster;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.client.RestTemplate;

/** What the Spring tests ask of the registry and of the greeters they start behind a {@code @LoadBalanced} client. */
final class GreeterCalls {
    private GreeterCalls() {
    }

    /** Every member's base URL, comma-separated, for {@code spring.cloud.muster.members}. */
    static String members(TestCluster cluster) {
        return cluster.url(0) + "," + cluster.url(1) + "," + cluster.url(2);
    }

    /** Passing instances of {@code service}, as member 0 answers. */
    static int passing(TestCluster cluster, String service) {
        var r = cluster.get(0, "/v1/services/" + service + "?healthy=true");
        return TestCluster.json(r).path("instances").size();
    }

    /** One call to {@code greeter} by service name: its answer, or {@code "error: "} and the failure. */
    static String call(RestTemplate rest) {
        try {
            return rest.getForObject("http://greeter/hello", String.class);
        } catch (RuntimeException e) {
            return "error: " + e.getMessage();
        }
    }

    static List<String> calls(RestTemplate rest, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(call(rest));
        }
        return out;
    }
}
