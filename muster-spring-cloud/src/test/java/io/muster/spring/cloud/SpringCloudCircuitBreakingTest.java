package io.muster.spring.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.client.ServiceView;
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
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestTemplate;

/**
 * Circuit breaking end to end: real Spring Boot applications against a real three-member cluster. Two greeters
 * register; one starts answering 500 while its registry status stays passing. A caller's {@code @LoadBalanced
 * RestTemplate} reports each call to the view, the view ejects the failing greeter and the load balancer stops
 * sending it calls; once the backoff has passed, the load balancer's choice of it makes the view's one trial; once
 * it recovers, the trial call after the backoff takes it back and traffic reaches both again. A caller with {@code spring.cloud.muster.circuit-breaking.enabled=false} keeps calling the failing one.
 */
class SpringCloudCircuitBreakingTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Long enough that a burst of calls fits in it even on a loaded machine, short enough to wait out. */
    private static final Duration BACKOFF = Duration.ofSeconds(5);
    private static TestCluster cluster;
    private static final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    @RestController
    static class Greeter {
        @Value("${greeting.name}")
        String name;
        volatile boolean failing;

        @GetMapping("/hello")
        ResponseEntity<String> hello() {
            return failing ? ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(name + " is failing")
                    : ResponseEntity.ok(name);
        }

        /** The toggle: {@code PUT /failing?on=true} makes {@code /hello} answer 500 until set back. */
        @PutMapping("/failing")
        void failing(@RequestParam("on") boolean on) {
            failing = on;
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
                "spring.cloud.muster.members=" + GreeterCalls.members(cluster), "spring.cloud.muster.address=127.0.0.1"));
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

    private static void setFailing(ConfigurableApplicationContext greeter, boolean on) {
        new RestTemplate().put("http://127.0.0.1:" + greeter.getEnvironment().getProperty("local.server.port")
                + "/failing?on=" + on, null);
    }

    @Test
    void theLoadBalancerSkipsAFailingEndpointAndTakesItBackAfterASuccessfulTrial() {
        start(GreeterApp.class, "spring.application.name=greeter", "greeting.name=g1");
        ConfigurableApplicationContext g2 = start(GreeterApp.class, "spring.application.name=greeter",
                "greeting.name=g2");
        String g2Id = g2.getBean(MusterAutoRegistration.class).registration().orElseThrow().instanceId();
        TestCluster.await("two greeters registered", DEADLINE, () -> passing("greeter") == 2);

        // The reactive discovery client is on too, so LoadBalancer reads instances through it: its views must be
        // the ones the lifecycle reports to. LoadBalancer's instance cache stays on (the default): the Muster
        // supplier sits above it.
        ConfigurableApplicationContext caller = start(CallerApp.class, "spring.application.name=caller",
                "spring.cloud.muster.register=false", "spring.cloud.discovery.reactive.enabled=true",
                "spring.cloud.muster.circuit-breaking.base-ejection=" + BACKOFF.toMillis() + "ms",
                "spring.cloud.muster.circuit-breaking.max-ejection=" + BACKOFF.toMillis() + "ms");
        ConfigurableApplicationContext plain = start(CallerApp.class, "spring.application.name=plain-caller",
                "spring.cloud.muster.register=false", "spring.cloud.muster.circuit-breaking.enabled=false");
        RestTemplate rest = caller.getBean(RestTemplate.class);
        RestTemplate plainRest = plain.getBean(RestTemplate.class);
        Set<String> seen = new HashSet<>();
        TestCluster.await("calls reach both greeters", DEADLINE, () -> {
            seen.add(call(rest));
            return seen.containsAll(Set.of("g1", "g2"));
        });
        ServiceView view = caller.getBean(MusterDiscoveryClient.class).openedView("greeter").orElseThrow();
        assertEquals(Set.of(), view.ejected());

        setFailing(g2, true);
        // The first call that reaches g2 now fails, and its report ejects g2 for BACKOFF.
        long[] failedCallStart = new long[1];
        TestCluster.await("a call fails on g2", DEADLINE, () -> {
            long start = System.nanoTime();
            boolean failed = call(rest).startsWith("error: 500");
            failedCallStart[0] = start;
            return failed;
        });
        long backoffEnds = failedCallStart[0] + BACKOFF.toNanos();
        assertTrue(view.ejected().contains(g2Id), view.ejected().toString());

        // Until the backoff ends every call goes to g1 (only calls that finished before it can count).
        List<String> whileOut = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String answer = call(rest);
            if (System.nanoTime() - backoffEnds < 0) {
                whileOut.add(answer);
            }
        }
        assertTrue(whileOut.size() >= 5, "too few calls inside the backoff to judge: " + whileOut);
        assertTrue(whileOut.stream().allMatch("g1"::equals), whileOut.toString());
        assertEquals(2, passing("greeter"), "the registry still offers both: the circuit is the caller's");
        assertEquals(2, view.endpoints().size(), view.endpoints().toString());

        // Without the integration, the load balancer keeps sending g2 its share, and nobody reports to the view.
        List<String> plainAnswers = calls(plainRest, 10);
        assertTrue(plainAnswers.stream().anyMatch(a -> a.startsWith("error: 500")), plainAnswers.toString());
        assertTrue(plain.getBean(MusterDiscoveryClient.class).openedView("greeter").orElseThrow().ejected().isEmpty());

        // Half-open: once the backoff has passed the view offers g2 again, and the load balancer's choice of it
        // (SelectedInstanceCallback, as the round-robin balancer reports it) makes that call the one trial: g2 is
        // out again for every other call. Nobody reports on this trial, so the view retries after another backoff.
        ServiceInstanceListSupplier supplier = caller.getBean(LoadBalancerClientFactory.class)
                .getInstance("greeter", ServiceInstanceListSupplier.class);
        assertInstanceOf(MusterCircuitBreakingServiceInstanceListSupplier.class, supplier);
        TestCluster.await("g2 half-open", DEADLINE, () -> view.ejected().isEmpty());
        List<ServiceInstance> offered = supplier.get().blockFirst(Duration.ofSeconds(30));
        assertEquals(2, offered.size(), offered.toString());
        ServiceInstance g2Instance = offered.stream().filter(i -> i.getInstanceId().equals(g2Id)).findFirst()
                .orElseThrow();
        ((SelectedInstanceCallback) supplier).selectedServiceInstance(g2Instance);
        assertEquals(Set.of(g2Id), view.ejected());
        List<ServiceInstance> duringTrial = supplier.get().blockFirst(Duration.ofSeconds(30));
        assertFalse(duringTrial.stream().anyMatch(i -> i.getInstanceId().equals(g2Id)), duringTrial.toString());

        // g2 recovers: after the backoff a trial call reaches it, succeeds, and the view takes it back.
        setFailing(g2, false);
        TestCluster.await("a call reaches g2 again", DEADLINE, () -> "g2".equals(call(rest)));
        assertFalse(view.ejected().contains(g2Id), view.ejected().toString());
        TestCluster.await("calls reach both greeters again", DEADLINE,
                () -> new HashSet<>(calls(rest, 10)).equals(Set.of("g1", "g2")));
        assertEquals(Set.of(), view.ejected());
    }
}
