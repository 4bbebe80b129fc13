package io.muster.spring.cloud;

import io.muster.client.ServiceView;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

/**
 * Offers Spring Cloud LoadBalancer the delegate's instances less those the service's Muster view has ejected
 * ({@link ServiceView#ejected()}), or all of them should every one be out: the view's own rule. It sits on top of
 * the chain (above any cache), so an ejection or a restoration counts from the next call.
 *
 * <p>When the load balancer tells it which instance it chose ({@code SelectedInstanceCallback}, as Spring's round
 * robin and random balancers do), it lets the view know through {@link ServiceView#pick}: a half-open endpoint
 * chosen becomes the view's one trial and is skipped by other calls until that trial reports, exactly as
 * {@code pick} does for the plain client.
 *
 * <p>Services without an open Muster view (instances from another discovery client) pass through untouched.
 */
public class MusterCircuitBreakingServiceInstanceListSupplier extends DelegatingServiceInstanceListSupplier {
    private final MusterDiscoveryClient discovery;

    public MusterCircuitBreakingServiceInstanceListSupplier(ServiceInstanceListSupplier delegate,
            MusterDiscoveryClient discovery) {
        super(delegate);
        this.discovery = discovery;
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
        return delegate.get().map(this::withoutEjected);
    }

    @Override
    public Flux<List<ServiceInstance>> get(Request request) {
        return delegate.get(request).map(this::withoutEjected);
    }

    List<ServiceInstance> withoutEjected(List<ServiceInstance> instances) {
        Optional<ServiceView> view = discovery.openedView(getServiceId());
        if (view.isEmpty() || instances.isEmpty()) {
            return instances;
        }
        Set<String> out = view.get().ejected();
        if (out.isEmpty()) {
            return instances;
        }
        List<ServiceInstance> in = instances.stream().filter(i -> !out.contains(i.getInstanceId())).toList();
        return in.isEmpty() ? instances : in;
    }

    @Override
    public void selectedServiceInstance(ServiceInstance instance) {
        super.selectedServiceInstance(instance);
        if (instance == null) {
            return;
        }
        // Choosing the same endpoint through the view marks a half-open one as on trial (and does nothing to a
        // closed one). Should it have gone out since the list was made, choose nothing rather than another
        // endpoint, which would start a trial no call makes.
        discovery.openedView(getServiceId()).ifPresent(view -> view.pick(offered -> offered.stream()
                .filter(e -> MusterLoadBalancerLifecycle.matches(e, instance)).findFirst()));
    }
}
