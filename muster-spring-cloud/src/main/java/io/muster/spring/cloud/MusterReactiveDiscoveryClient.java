package io.muster.spring.cloud;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The reactive face of {@link MusterDiscoveryClient}. A first lookup may wait for the registry, and a service list
 * is a request, so both run on the bounded-elastic scheduler, never on an event loop.
 */
public class MusterReactiveDiscoveryClient implements ReactiveDiscoveryClient {
    private final MusterDiscoveryClient blocking;

    public MusterReactiveDiscoveryClient(MusterDiscoveryClient blocking) {
        this.blocking = blocking;
    }

    /** The blocking client behind this one, whose views hold the circuits. */
    public MusterDiscoveryClient blocking() {
        return blocking;
    }

    @Override
    public String description() {
        return "Muster reactive discovery client";
    }

    @Override
    public Flux<ServiceInstance> getInstances(String serviceId) {
        return Flux.defer(() -> Flux.fromIterable(blocking.getInstances(serviceId))).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Flux<String> getServices() {
        return Flux.defer(() -> Flux.fromIterable(blocking.getServices())).subscribeOn(Schedulers.boundedElastic());
    }
}
