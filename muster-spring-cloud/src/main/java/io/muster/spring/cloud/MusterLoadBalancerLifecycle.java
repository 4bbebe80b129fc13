package io.muster.spring.cloud;

import io.muster.client.Endpoint;
import io.muster.client.ServiceView;
import java.io.IOException;
import java.util.Optional;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Reports how each load-balanced call to a Muster-discovered instance went to the service's view, which drives
 * that endpoint's circuit: a call that failed ({@link CompletionContext.Status#FAILED}, such as a refused
 * connection or a timeout) or was answered with a 5xx status is a failure, any other answer a success. Discarded
 * requests (no instance chosen) report nothing.
 *
 * <p>Both load-balanced clients pass the answer as {@link ResponseData}: {@code BlockingLoadBalancerClient} (a
 * {@code @LoadBalanced RestTemplate} or {@code RestClient}) builds it from the {@link ClientHttpResponse}, falling
 * back to the raw response when the status cannot be read, and {@code ReactorLoadBalancerExchangeFilterFunction}
 * (a {@code @LoadBalanced WebClient}) from its {@code ClientResponse}. An instance maps to the view's endpoint by
 * instance id, address and port; calls to instances the view does not offer change nothing.
 */
public class MusterLoadBalancerLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {
    private final MusterDiscoveryClient discovery;

    /** @param discovery the client whose views to report to; {@code null} reports nothing */
    public MusterLoadBalancerLifecycle(MusterDiscoveryClient discovery) {
        this.discovery = discovery;
    }

    @Override
    public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
        return ServiceInstance.class.isAssignableFrom(serverTypeClass);
    }

    @Override
    public void onStart(Request<Object> request) {
    }

    @Override
    public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
    }

    @Override
    public void onComplete(CompletionContext<Object, ServiceInstance, Object> completion) {
        if (discovery == null || completion.status() == CompletionContext.Status.DISCARD) {
            return;
        }
        Response<ServiceInstance> chosen = completion.getLoadBalancerResponse();
        if (chosen == null || !chosen.hasServer() || chosen.getServer() == null) {
            return;
        }
        ServiceInstance instance = chosen.getServer();
        Optional<ServiceView> view = discovery.openedView(instance.getServiceId());
        if (view.isEmpty()) {
            return;
        }
        Optional<Endpoint> endpoint = view.get().endpoints().stream().filter(e -> matches(e, instance)).findFirst();
        if (endpoint.isEmpty()) {
            return;
        }
        if (failed(completion)) {
            view.get().reportFailure(endpoint.get());
        } else {
            view.get().reportSuccess(endpoint.get());
        }
    }

    static boolean matches(Endpoint e, ServiceInstance instance) {
        return e.id().equals(instance.getInstanceId()) && e.port() == instance.getPort()
                && e.address().equals(instance.getHost());
    }

    /** A failed call, or an answer with a 5xx status. */
    static boolean failed(CompletionContext<?, ?, ?> completion) {
        if (completion.status() == CompletionContext.Status.FAILED) {
            return true;
        }
        Object response = completion.getClientResponse();
        HttpStatusCode status = null;
        if (response instanceof ResponseData data) {
            status = data.getHttpStatus();
        } else if (response instanceof ClientHttpResponse raw) {
            try {
                status = raw.getStatusCode();
            } catch (IOException | RuntimeException e) {
                return true; // no status to read: the answer broke off
            }
        }
        return status != null && status.is5xxServerError();
    }
}
