package io.muster.spring.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.testing.TestCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The adapter on a member with {@code --acl-default-policy deny}: {@code spring.cloud.muster.token} is sent, so an
 * application with a token that may write its service registers and one that may read it finds it; without a
 * token, registering fails the application's start instead of leaving it silently unregistered.
 */
class SpringCloudAclTest {
    private static final String ROOT = "spring-acl-root-token";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static TestCluster cluster;
    private static final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new TestCluster(1, Map.of("acl-default-policy", "deny", "acl-bootstrap-token", ROOT)).start();
        cluster.awaitLeader(Duration.ofSeconds(30));
        // The bootstrap token is created by the leader once it leads; wait until it is known.
        TestCluster.await("bootstrap token usable", DEADLINE,
                () -> send("GET", "/v1/acl/whoami", null, ROOT).statusCode() == 200);
        assertEquals(200, send("PUT", "/v1/acl/policies/greeter-app",
                "{\"rules\": [{\"service\": \"greeter\", \"access\": \"write\"}]}", ROOT).statusCode());
        assertEquals(200, send("PUT", "/v1/acl/policies/greeter-reader",
                "{\"rules\": [{\"service\": \"greeter\", \"access\": \"read\"}]}", ROOT).statusCode());
    }

    @AfterAll
    static void stopAll() {
        apps.forEach(ConfigurableApplicationContext::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A call to the one member, as {@code token} (null for none). */
    private static HttpResponse<String> send(String method, String path, String body, String token) {
        return cluster.sendAs(token, method, 0, path, body);
    }

    private static String tokenFor(String policy) {
        var r = send("POST", "/v1/acl/tokens", "{\"policies\": [\"" + policy + "\"]}", ROOT);
        assertEquals(200, r.statusCode(), r.body());
        return TestCluster.json(r).get("secret").asText();
    }

    private static ConfigurableApplicationContext start(String... properties) {
        List<String> all = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off",
                "spring.cloud.muster.members=" + cluster.url(0), "spring.cloud.muster.address=127.0.0.1"));
        all.addAll(List.of(properties));
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(App.class).properties(all.toArray(String[]::new)).run();
        apps.add(ctx);
        return ctx;
    }

    private static int registered() {
        var r = send("GET", "/v1/services/greeter", null, ROOT);
        return r.statusCode() == 200 ? TestCluster.json(r).path("instances").size() : 0;
    }

    @Test
    void theTokenIsSentForRegisteringAndForLookingUp() throws Exception {
        start("spring.application.name=greeter", "spring.cloud.muster.token=" + tokenFor("greeter-app"));
        TestCluster.await("the greeter registered with its token", DEADLINE, () -> registered() == 1);

        ConfigurableApplicationContext reader = start("spring.application.name=reader",
                "spring.cloud.muster.register=false", "spring.cloud.muster.token=" + tokenFor("greeter-reader"));
        DiscoveryClient discovery = reader.getBean(DiscoveryClient.class);
        TestCluster.await("the reader sees the greeter", DEADLINE, () -> discovery.getInstances("greeter").size() == 1);
        assertEquals("127.0.0.1", discovery.getInstances("greeter").get(0).getHost());
    }

    @Test
    void withoutATokenRegisteringFailsTheStartAndRegistersNothing() throws Exception {
        int before = registered();
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> start("spring.application.name=greeter", "spring.cloud.muster.instance-id=no-token"));
        String causes = causes(e);
        assertTrue(causes.contains("401") || causes.toLowerCase().contains("unauthenticated"), causes);
        var r = send("GET", "/v1/services/greeter?consistency=consistent", null, ROOT);
        assertTrue(r.statusCode() == 404 || !r.body().contains("no-token"), r.body());
        assertEquals(before, registered());
    }

    private static String causes(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            s.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" | ");
        }
        return s.toString();
    }
}
