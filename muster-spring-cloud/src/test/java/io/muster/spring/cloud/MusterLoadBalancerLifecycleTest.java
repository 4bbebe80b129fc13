package io.muster.spring.cloud;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.CompletionContext.Status;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.LinkedMultiValueMap;

/** What counts as a failed call, for the response types the load-balanced clients pass. */
class MusterLoadBalancerLifecycleTest {
    private static final ServiceInstance INSTANCE = new DefaultServiceInstance("a", "svc", "127.0.0.1", 8080, false,
            Map.of());

    private static CompletionContext<Object, ServiceInstance, Object> answered(Object response) {
        return new CompletionContext<>(Status.SUCCESS, new DefaultRequest<>(), new DefaultResponse(INSTANCE), response);
    }

    private static ResponseData data(int status) {
        return new ResponseData(HttpStatusCode.valueOf(status), new HttpHeaders(), new LinkedMultiValueMap<>(), null);
    }

    /** What BlockingLoadBalancerClient passes when it cannot build ResponseData from the answer. */
    private static ClientHttpResponse raw(int status) {
        return new ClientHttpResponse() {
            @Override
            public HttpStatusCode getStatusCode() {
                return HttpStatusCode.valueOf(status);
            }

            @Override
            public String getStatusText() {
                return "";
            }

            @Override
            public void close() {
            }

            @Override
            public InputStream getBody() {
                return InputStream.nullInputStream();
            }

            @Override
            public HttpHeaders getHeaders() {
                return new HttpHeaders();
            }
        };
    }

    @Test
    void failedCallsAnd5xxAnswersAreFailures() {
        assertTrue(MusterLoadBalancerLifecycle.failed(new CompletionContext<>(Status.FAILED, new IOException("refused"),
                new DefaultRequest<>(), new DefaultResponse(INSTANCE))));
        assertTrue(MusterLoadBalancerLifecycle.failed(answered(data(500))));
        assertTrue(MusterLoadBalancerLifecycle.failed(answered(data(503))));
        assertTrue(MusterLoadBalancerLifecycle.failed(answered(raw(502))));
    }

    @Test
    void otherAnswersAreSuccesses() {
        assertFalse(MusterLoadBalancerLifecycle.failed(answered(data(200))));
        assertFalse(MusterLoadBalancerLifecycle.failed(answered(data(404))));
        assertFalse(MusterLoadBalancerLifecycle.failed(answered(raw(204))));
        assertFalse(MusterLoadBalancerLifecycle.failed(answered(null)));
        assertFalse(MusterLoadBalancerLifecycle.failed(answered("some other client's answer")));
    }
}
