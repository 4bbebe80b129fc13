package io.muster.spring.cloud;

import io.muster.client.CircuitBreakerPolicy;
import io.muster.client.MusterClient;
import java.nio.file.Path;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Muster as Spring Cloud's discovery client and service registry, on unless {@code spring.cloud.muster.enabled}
 * or {@code spring.cloud.discovery.enabled} is false. Every bean backs off when the application defines its own.
 */
@AutoConfiguration(before = {SimpleDiscoveryClientAutoConfiguration.class,
        SimpleReactiveDiscoveryClientAutoConfiguration.class})
@ConditionalOnDiscoveryEnabled
@ConditionalOnProperty(value = "spring.cloud.muster.enabled", matchIfMissing = true)
@EnableConfigurationProperties(MusterDiscoveryProperties.class)
public class MusterDiscoveryAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public MusterClient musterClient(MusterDiscoveryProperties properties) {
        var builder = MusterClient.builder().members(properties.getMembers())
                .protectThreshold(properties.getProtectThreshold());
        var cb = properties.getCircuitBreaking();
        builder.circuitBreaker(new CircuitBreakerPolicy(cb.getBaseEjection(), cb.getMaxEjection(), cb.getMaxEjectedShare()));
        // Blank means "not configured" for both, so an empty environment variable behind a property changes nothing.
        if (!properties.getToken().isBlank()) {
            builder.token(properties.getToken().strip());
        }
        if (!properties.getTrustedCertificates().isBlank()) {
            builder.trustedCertificates(Path.of(properties.getTrustedCertificates().strip()));
        }
        return builder.build();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBlockingDiscoveryEnabled
    static class Blocking {
        @Bean
        @ConditionalOnMissingBean
        public MusterDiscoveryClient musterDiscoveryClient(MusterClient client, MusterDiscoveryProperties properties) {
            return new MusterDiscoveryClient(client, properties.getFirstLookupTimeout());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "reactor.core.publisher.Flux")
    @ConditionalOnProperty(value = "spring.cloud.discovery.reactive.enabled", matchIfMissing = true)
    static class Reactive {
        @Bean
        @ConditionalOnMissingBean
        public MusterReactiveDiscoveryClient musterReactiveDiscoveryClient(MusterClient client,
                MusterDiscoveryProperties properties, ObjectProvider<MusterDiscoveryClient> blocking) {
            // One set of views for both faces, so circuits a call through one of them opened hold for the other.
            MusterDiscoveryClient b = blocking.getIfAvailable();
            return new MusterReactiveDiscoveryClient(b != null ? b
                    : new MusterDiscoveryClient(client, properties.getFirstLookupTimeout()));
        }
    }

    @Bean
    @ConditionalOnMissingBean
    public MusterServiceRegistry musterServiceRegistry(MusterClient client, MusterDiscoveryProperties properties) {
        return new MusterServiceRegistry(client, properties.getTtl());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnWebApplication
    @ConditionalOnProperty(value = "spring.cloud.muster.register", matchIfMissing = true)
    public MusterAutoRegistration musterAutoRegistration(MusterServiceRegistry registry,
            MusterDiscoveryProperties properties, Environment environment) {
        return new MusterAutoRegistration(registry, properties,
                environment.getProperty("spring.application.name", "application"));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "musterHealthIndicator")
        public MusterHealthIndicator musterHealthIndicator(MusterClient client,
                ObjectProvider<MusterAutoRegistration> registration) {
            return new MusterHealthIndicator(client, registration.getIfAvailable());
        }
    }
}
