package io.muster.spring.cloud;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Each load-balancer client's configuration (registered as the default one by
 * {@link MusterLoadBalancerAutoConfiguration}): the lifecycle that reports calls to the views, and a post-processor
 * that puts {@link MusterCircuitBreakingServiceInstanceListSupplier} on top of whatever instance supplier the
 * client ends up with (Spring's default chain, zone preference, health checks or the application's own), so
 * those keep working. An application that already put the Muster supplier in its chain is left alone.
 */
@Configuration(proxyBeanMethods = false)
public class MusterLoadBalancerClientConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public MusterLoadBalancerLifecycle musterLoadBalancerLifecycle(ObjectProvider<MusterDiscoveryClient> blocking,
            ObjectProvider<MusterReactiveDiscoveryClient> reactive) {
        return new MusterLoadBalancerLifecycle(MusterLoadBalancerAutoConfiguration.discovery(blocking, reactive));
    }

    @Bean
    public static BeanPostProcessor musterCircuitBreakingSupplierPostProcessor(
            ObjectProvider<MusterDiscoveryClient> blocking, ObjectProvider<MusterReactiveDiscoveryClient> reactive) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof ServiceInstanceListSupplier supplier && !wraps(supplier)) {
                    MusterDiscoveryClient discovery = MusterLoadBalancerAutoConfiguration.discovery(blocking, reactive);
                    if (discovery != null) {
                        return new MusterCircuitBreakingServiceInstanceListSupplier(supplier, discovery);
                    }
                }
                return bean;
            }
        };
    }

    private static boolean wraps(ServiceInstanceListSupplier supplier) {
        for (Object s = supplier; s != null; ) {
            if (s instanceof MusterCircuitBreakingServiceInstanceListSupplier) {
                return true;
            }
            s = s instanceof DelegatingServiceInstanceListSupplier d
                    ? d.getDelegate() : null;
        }
        return false;
    }
}
