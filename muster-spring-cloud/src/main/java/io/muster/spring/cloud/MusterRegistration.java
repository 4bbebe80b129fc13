package io.muster.spring.cloud;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.client.serviceregistry.Registration;

/** This application as Muster registers it. */
public record MusterRegistration(String serviceId, String instanceId, String host, int port, List<String> tags,
        Map<String, String> metadata) implements Registration {

    public MusterRegistration {
        tags = List.copyOf(tags);
        metadata = Map.copyOf(metadata);
    }

    @Override
    public String getServiceId() {
        return serviceId;
    }

    @Override
    public String getInstanceId() {
        return instanceId;
    }

    @Override
    public String getHost() {
        return host;
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public boolean isSecure() {
        return "true".equals(metadata.get("secure"));
    }

    @Override
    public URI getUri() {
        return URI.create((isSecure() ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }

    @Override
    public Map<String, String> getMetadata() {
        return metadata;
    }
}
