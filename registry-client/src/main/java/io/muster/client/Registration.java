package io.muster.client;

import io.muster.client.internal.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to register: one instance of a service with a TTL check that the client renews in the background.
 * Immutable; build one with {@link #builder(String, String)}.
 *
 * @param service the service name, a DNS label
 * @param id the instance id, unique within the service
 * @param address where callers reach the instance: an IPv4 or IPv6 address or a host name
 * @param port 1-65535
 * @param tags at most 32 DNS labels
 * @param metadata at most 64 string pairs
 * @param weight 1-1000 (default 1), the instance's share of weighted picks
 * @param ttl how long the registry waits for a heartbeat before marking the instance {@code critical}; the client
 *     heartbeats every third of it
 * @param deregisterAfter how long the instance may stay critical before the registry removes it; empty for the
 *     registry's default
 */
public record Registration(String service, String id, String address, int port, List<String> tags,
        Map<String, String> metadata, int weight, Duration ttl, Optional<Duration> deregisterAfter) {

    /** The TTL used when the builder is given none. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

    public Registration {
        Names.requireServiceName(service);
        Names.requireInstanceId(id);
        Objects.requireNonNull(address, "address");
        if (address.isBlank()) {
            throw new IllegalArgumentException("address must not be blank");
        }
        Names.requirePort(port);
        Names.requireTags(tags);
        Names.requireMetadata(metadata);
        Names.requireWeight(weight);
        requireMillis("ttl", ttl);
        Objects.requireNonNull(deregisterAfter, "deregisterAfter");
        deregisterAfter.ifPresent(d -> requireMillis("deregisterAfter", d));
        tags = List.copyOf(tags);
        metadata = Map.copyOf(metadata);
    }

    /** Starts a registration of instance {@code id} of {@code service}; address and port are required. */
    public static Builder builder(String service, String id) {
        return new Builder(Names.requireServiceName(service), Names.requireInstanceId(id));
    }

    private static Duration requireMillis(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1ms, got " + d);
        }
        return d;
    }

    /**
     * Builds a {@link Registration}. Each setter checks its argument at once; a scalar setting may be set only
     * once, so a mistaken second call fails instead of silently winning. Not thread-safe.
     */
    public static final class Builder {
        private final String service;
        private final String id;
        private String address;
        private int port;
        private final List<String> tags = new ArrayList<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private int weight;
        private Duration ttl;
        private Duration deregisterAfter;

        private Builder(String service, String id) {
            this.service = service;
            this.id = id;
        }

        public Builder address(String address) {
            Objects.requireNonNull(address, "address");
            if (address.isBlank()) {
                throw new IllegalArgumentException("address must not be blank");
            }
            requireUnset("address", this.address);
            this.address = address;
            return this;
        }

        public Builder port(int port) {
            Names.requirePort(port);
            requireUnset("port", this.port == 0 ? null : this.port);
            this.port = port;
            return this;
        }

        /** Adds tags; the total may not exceed 32 and a tag may not repeat. */
        public Builder tags(String... tags) {
            for (String tag : tags) {
                tag(tag);
            }
            return this;
        }

        public Builder tag(String tag) {
            Names.requireTag(tag);
            if (tags.contains(tag)) {
                throw new IllegalArgumentException("tag '" + tag + "' given twice");
            }
            if (tags.size() == Names.MAX_TAGS) {
                throw new IllegalArgumentException("at most " + Names.MAX_TAGS + " tags");
            }
            tags.add(tag);
            return this;
        }

        /** Adds one metadata pair; a key may be given only once. */
        public Builder metadata(String key, String value) {
            Names.requireMetadataEntry(key, value);
            if (metadata.containsKey(key)) {
                throw new IllegalStateException("metadata '" + key + "' was already set to '" + metadata.get(key) + "'");
            }
            if (metadata.size() == Names.MAX_METADATA_KEYS) {
                throw new IllegalArgumentException("at most " + Names.MAX_METADATA_KEYS + " metadata keys");
            }
            metadata.put(key, value);
            return this;
        }

        public Builder metadata(Map<String, String> entries) {
            entries.forEach(this::metadata);
            return this;
        }

        public Builder weight(int weight) {
            Names.requireWeight(weight);
            requireUnset("weight", this.weight == 0 ? null : this.weight);
            this.weight = weight;
            return this;
        }

        /** The TTL check's period, at least 1ms (default {@link #DEFAULT_TTL}). */
        public Builder ttl(Duration ttl) {
            requireMillis("ttl", ttl);
            requireUnset("ttl", this.ttl);
            this.ttl = ttl;
            return this;
        }

        public Builder deregisterAfter(Duration deregisterAfter) {
            requireMillis("deregisterAfter", deregisterAfter);
            requireUnset("deregisterAfter", this.deregisterAfter);
            this.deregisterAfter = deregisterAfter;
            return this;
        }

        /** @throws IllegalStateException if address or port was not set */
        public Registration build() {
            if (address == null) {
                throw new IllegalStateException("address is required");
            }
            if (port == 0) {
                throw new IllegalStateException("port is required");
            }
            return new Registration(service, id, address, port, tags, metadata, weight == 0 ? 1 : weight,
                    ttl == null ? DEFAULT_TTL : ttl, Optional.ofNullable(deregisterAfter));
        }

        private static void requireUnset(String name, Object current) {
            if (current != null) {
                throw new IllegalStateException(name + " was already set to " + current);
            }
        }
    }
}
