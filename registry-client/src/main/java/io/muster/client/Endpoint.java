package io.muster.client;

import io.muster.client.internal.Names;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One healthy instance of a service as a {@link ServiceView} offers it: where to reach it and what it says about
 * itself. Immutable.
 *
 * @param id the instance id, unique within its service
 * @param address an IPv4 or IPv6 address or a host name
 * @param port 1-65535
 * @param tags the instance's tags, in registration order
 * @param metadata the instance's string metadata
 * @param weight 1-1000, the share {@link Picker#weighted()} gives it relative to the others
 */
public record Endpoint(String id, String address, int port, List<String> tags, Map<String, String> metadata,
        int weight) {

    public Endpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        if (address.isBlank()) {
            throw new IllegalArgumentException("address must not be blank");
        }
        Names.requirePort(port);
        Names.requireWeight(weight);
        tags = List.copyOf(tags);
        metadata = Map.copyOf(metadata);
    }

    /** {@code host:port}, with an IPv6 address in brackets, as a URI authority wants it. */
    public String hostPort() {
        boolean ipv6 = address.indexOf(':') >= 0 && !address.startsWith("[");
        return (ipv6 ? "[" + address + "]" : address) + ":" + port;
    }

    /** A base URI for this endpoint, such as {@code http://10.1.2.3:8080}. */
    public URI uri(String scheme) {
        return URI.create(Objects.requireNonNull(scheme, "scheme") + "://" + hostPort());
    }

    public boolean hasTag(String tag) {
        return tags.contains(tag);
    }
}
