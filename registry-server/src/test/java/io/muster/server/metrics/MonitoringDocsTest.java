package io.muster.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.server.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The example alert rules, the Grafana dashboard and the metrics reference in docs/ name only metrics that a
 * running member really exports: a renamed metric breaks this test, not an operator's pager at night.
 */
class MonitoringDocsTest {
    private static final Path DOCS = Path.of("..", "docs").toAbsolutePath().normalize();
    private static final Pattern METRIC = Pattern.compile("\\b((?:muster|jvm|process)_[a-z0-9_]+)");
    private static TestCluster cluster;
    private static Set<String> exported;

    @BeforeAll
    static void startAndExercise() throws Exception {
        cluster = new TestCluster(3).start();
        int leader = cluster.awaitLeader(Duration.ofSeconds(10));
        assertEquals(200, cluster.put(leader, "/v1/services/web/instances/w1", "{\"address\":\"10.0.0.1\",\"port\":80,\"check\":{\"ttl\":\"30s\"}}").statusCode());
        assertEquals(200, cluster.put(leader, "/v1/services/web/instances/w1/heartbeat", null).statusCode());
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(cluster.ports(leader).dns());
        resolver.setTimeout(Duration.ofSeconds(5));
        Lookup lookup = new Lookup("web.service.muster.", Type.A);
        lookup.setResolver(resolver);
        lookup.setCache(null);
        lookup.run();
        String text = cluster.get(leader, "/metrics").body();
        exported = new HashSet<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exported.add(line.replaceAll("[{ ].*", ""));
            }
        }
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static Set<String> named(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static void assertAllExported(String file, Set<String> names) {
        assertTrue(!names.isEmpty(), file + " names no metric");
        Set<String> missing = new TreeSet<>(names);
        missing.removeAll(exported);
        assertTrue(missing.isEmpty(), file + " names metrics no member exports: " + missing);
    }

    @Test
    void alertRulesNameOnlyExportedMetrics() throws Exception {
        assertAllExported("alerts.yml", named(Files.readString(DOCS.resolve("monitoring/alerts.yml"))));
    }

    @Test
    void dashboardNamesOnlyExportedMetrics() throws Exception {
        JsonNode dash = new ObjectMapper().readTree(DOCS.resolve("monitoring/grafana-dashboard.json").toFile());
        StringBuilder exprs = new StringBuilder();
        dash.findValues("expr").forEach(e -> exprs.append(e.asText()).append('\n'));
        assertAllExported("grafana-dashboard.json", named(exprs.toString()));
    }

    @Test
    void metricsReferenceNamesOnlyExportedMetrics() throws Exception {
        String doc = Files.readString(DOCS.resolve("metrics.md"));
        // The reference lists base names in backticks; counters gain _total, timers _seconds_*, summaries _count/_sum.
        Set<String> missing = new TreeSet<>();
        for (String name : named(doc)) {
            List<String> forms = List.of(name, name + "_total", name + "_seconds_count", name + "_count");
            if (forms.stream().noneMatch(exported::contains)) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "docs/metrics.md names metrics no member exports: " + missing);
    }
}
