package io.muster.spring.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.server.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestTemplate;

/**
 * Real Spring Boot applications against a real three-member cluster: two instances of {@code greeter} register
 * themselves on start; a caller reaches them through a {@code @LoadBalanced RestTemplate} by service name; when
 * one greeter stops (deregistering on the way), the caller's calls all go to the survivor.
 */
class SpringCloudDiscoveryTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static TestCluster cluster;
    private static final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    @RestController
    static class Greeter {
        @Value("${greeting.name}")
        String name;

        @GetMapping("/hello")
        String hello() {
            return name;
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Greeter.class)
    static class GreeterApp {
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class CallerApp {
        @Bean
        @LoadBalanced
        RestTemplate restTemplate() {
            return new RestTemplate();
        }
    }

    @BeforeAll
    static void startCluster() {
        cluster = new TestCluster(3).start();
        cluster.awaitLeader(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopAll() {
        apps.forEach(ConfigurableApplicationContext::close);
        cluster.close();
    }

    private static ConfigurableApplicationContext start(Class<?> app, String... properties) {
        List<String> all = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off",
                "spring.cloud.muster.members=" + GreeterCalls.members(cluster), "spring.cloud.muster.address=127.0.0.1",
                "spring.cloud.loadbalancer.cache.enabled=false",
                "management.endpoint.health.show-details=always"));
        all.addAll(List.of(properties));
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(app).properties(all.toArray(String[]::new)).run();
        apps.add(ctx);
        return ctx;
    }

    private static int passing(String service) {
        return GreeterCalls.passing(cluster, service);
    }

    private static String call(RestTemplate rest) {
        return GreeterCalls.call(rest);
    }

    private static List<String> calls(RestTemplate rest, int n) {
        return GreeterCalls.calls(rest, n);
    }

    @Test
    void aCallerFollowsRegistrationsAndMovesToTheSurvivor() {
        ConfigurableApplicationContext g1 = start(GreeterApp.class, "spring.application.name=greeter", "greeting.name=g1",
                "spring.cloud.muster.tags=blue", "spring.cloud.muster.metadata.version=1.0");
        ConfigurableApplicationContext g2 = start(GreeterApp.class, "spring.application.name=greeter", "greeting.name=g2");
        TestCluster.await("two greeters registered", DEADLINE, () -> passing("greeter") == 2);

        ConfigurableApplicationContext caller = start(CallerApp.class, "spring.application.name=caller",
                "spring.cloud.muster.register=false", "spring.cloud.discovery.reactive.enabled=true");
        RestTemplate rest = caller.getBean(RestTemplate.class);
        Set<String> seen = new HashSet<>();
        TestCluster.await("calls reach both greeters", DEADLINE, () -> {
            seen.add(call(rest));
            return seen.containsAll(Set.of("g1", "g2"));
        });

        DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);
        assertTrue(discovery.getServices().contains("greeter"), discovery.getServices().toString());
        var blue = discovery.getInstances("greeter").stream().filter(i -> "1.0".equals(i.getMetadata().get("version")))
                .toList();
        assertEquals(1, blue.size(), discovery.getInstances("greeter").toString());
        ReactiveDiscoveryClient reactive = caller.getBean(MusterReactiveDiscoveryClient.class);
        assertEquals(2, reactive.getInstances("greeter").collectList().block(Duration.ofSeconds(30)).size());

        // Status through the ServiceRegistry: out of service and back, as an operator's actuator call would do.
        MusterServiceRegistry registry = g2.getBean(MusterServiceRegistry.class);
        MusterRegistration r2 = g2.getBean(MusterAutoRegistration.class).registration().orElseThrow();
        registry.setStatus(r2, "OUT_OF_SERVICE");
        assertEquals("DOWN", registry.getStatus(r2));
        TestCluster.await("g2 out of service", DEADLINE, () -> passing("greeter") == 1);
        TestCluster.await("calls go to g1 only", DEADLINE, () -> calls(rest, 10).stream().allMatch("g1"::equals));
        registry.setStatus(r2, "UP");
        TestCluster.await("g2 back", DEADLINE, () -> passing("greeter") == 2);

        g1.close();
        TestCluster.await("g1 deregistered", DEADLINE, () -> passing("greeter") == 1);
        TestCluster.await("every call answered by the survivor", DEADLINE,
                () -> calls(rest, 10).stream().allMatch("g2"::equals));
        List<String> after = calls(rest, 20);
        assertTrue(after.stream().allMatch("g2"::equals), after.toString());

        String health = new RestTemplate().getForObject("http://127.0.0.1:"
                + g2.getEnvironment().getProperty("local.server.port") + "/actuator/health", String.class);
        assertTrue(health.contains("\"muster\"") && health.contains("\"UP\""), health);
    }
}
