package io.muster.spring.cloud;

import io.muster.client.Endpoint;
import io.muster.client.MusterClient;
import io.muster.client.ServiceView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Spring Cloud's {@link DiscoveryClient} over the client's live views: the first lookup of a service opens its view
 * (waiting a bounded time for the first answer); later lookups read memory and never touch the network.
 */
public class MusterDiscoveryClient implements DiscoveryClient {
    private final MusterClient client;
    private final Duration firstLookupTimeout;
    private final Map<String, ServiceView> views = new ConcurrentHashMap<>();

    public MusterDiscoveryClient(MusterClient client, Duration firstLookupTimeout) {
        this.client = client;
        this.firstLookupTimeout = firstLookupTimeout;
    }

    @Override
    public String description() {
        return "Muster discovery client over " + client.members();
    }

    /** The live view behind {@link #getInstances(String)}, for callers that report failures to its circuits. */
    public ServiceView view(String serviceId) {
        return views.computeIfAbsent(serviceId, id -> {
            ServiceView v = client.serviceView(id);
            try {
                v.awaitReady(firstLookupTimeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return v;
        });
    }

    /** The view of {@code serviceId} if a lookup opened it already; never opens one, never waits. */
    public Optional<ServiceView> openedView(String serviceId) {
        return serviceId == null ? Optional.empty() : Optional.ofNullable(views.get(serviceId));
    }

    @Override
    public List<ServiceInstance> getInstances(String serviceId) {
        ServiceView view = view(serviceId);
        return view.endpoints().stream().map(e -> instance(serviceId, e)).toList();
    }

    @Override
    public List<String> getServices() {
        return client.services();
    }

    static ServiceInstance instance(String serviceId, Endpoint e) {
        return new DefaultServiceInstance(e.id(), serviceId, e.address(), e.port(),
                "true".equals(e.metadata().get("secure")), e.metadata());
    }

    @Override
    public int getOrder() {
        return DEFAULT_ORDER;
    }
}
