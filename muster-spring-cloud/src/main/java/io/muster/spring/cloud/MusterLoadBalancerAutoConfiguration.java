package io.muster.spring.cloud;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;

/**
 * Spring Cloud LoadBalancer drives the Muster views' circuits: every load-balancer client gets
 * {@link MusterLoadBalancerClientConfiguration} as a default configuration. On when LoadBalancer and Spring Web are
 * on the class path, unless {@code spring.cloud.muster.circuit-breaking.enabled},
 * {@code spring.cloud.muster.enabled}, {@code spring.cloud.loadbalancer.enabled} or
 * {@code spring.cloud.discovery.enabled} is false.
 */
@AutoConfiguration(after = MusterDiscoveryAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier",
        "org.springframework.http.client.ClientHttpResponse"})
@ConditionalOnDiscoveryEnabled
@ConditionalOnProperty(value = {"spring.cloud.muster.enabled", "spring.cloud.loadbalancer.enabled",
        "spring.cloud.muster.circuit-breaking.enabled"}, matchIfMissing = true)
@LoadBalancerClients(defaultConfiguration = MusterLoadBalancerClientConfiguration.class)
public class MusterLoadBalancerAutoConfiguration {

    /** The discovery client whose views the load balancer's instances came from; {@code null} if none. */
    static MusterDiscoveryClient discovery(ObjectProvider<MusterDiscoveryClient> blocking,
            ObjectProvider<MusterReactiveDiscoveryClient> reactive) {
        MusterDiscoveryClient d = blocking.getIfAvailable();
        if (d != null) {
            return d;
        }
        MusterReactiveDiscoveryClient r = reactive.getIfAvailable();
        if (r != null) {
            return r.blocking();
        }
        return null; // the application replaced Muster's discovery clients: nothing to drive
    }
}
