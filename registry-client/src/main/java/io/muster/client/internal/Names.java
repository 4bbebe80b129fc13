package io.muster.client.internal;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** The contract's rules for names, tags and metadata, checked client-side so a mistake fails at the call site. */
public final class Names {

    private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
    private static final Pattern INSTANCE_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");

    public static final int MAX_TAGS = 32;
    public static final int MAX_METADATA_KEYS = 64;
    public static final int MAX_METADATA_KEY_BYTES = 128;
    public static final int MAX_METADATA_VALUE_BYTES = 512;

    private Names() {
    }

    public static String requireServiceName(String service) {
        Objects.requireNonNull(service, "service");
        if (!LABEL.matcher(service).matches()) {
            throw new IllegalArgumentException("service name must be a DNS label (lower-case letters, digits, "
                    + "inner '-', at most 63 characters): '" + service + "'");
        }
        return service;
    }

    public static String requireInstanceId(String id) {
        Objects.requireNonNull(id, "id");
        if (!INSTANCE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("instance id must match " + INSTANCE_ID.pattern() + ": '" + id + "'");
        }
        return id;
    }

    public static String requireTag(String tag) {
        Objects.requireNonNull(tag, "tag");
        if (!LABEL.matcher(tag).matches()) {
            throw new IllegalArgumentException("tag must be a DNS label: '" + tag + "'");
        }
        return tag;
    }

    public static void requireTags(Collection<String> tags) {
        Objects.requireNonNull(tags, "tags");
        if (tags.size() > MAX_TAGS) {
            throw new IllegalArgumentException("at most " + MAX_TAGS + " tags, got " + tags.size());
        }
        tags.forEach(Names::requireTag);
    }

    public static void requireMetadata(Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        if (metadata.size() > MAX_METADATA_KEYS) {
            throw new IllegalArgumentException("at most " + MAX_METADATA_KEYS + " metadata keys, got " + metadata.size());
        }
        metadata.forEach(Names::requireMetadataEntry);
    }

    public static void requireMetadataEntry(String key, String value) {
        Objects.requireNonNull(key, "metadata key");
        Objects.requireNonNull(value, "metadata value of '" + key + "'");
        if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_KEY_BYTES) {
            throw new IllegalArgumentException("metadata key must be 1-" + MAX_METADATA_KEY_BYTES + " bytes: '" + key + "'");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_VALUE_BYTES) {
            throw new IllegalArgumentException("metadata value of '" + key + "' is over " + MAX_METADATA_VALUE_BYTES + " bytes");
        }
    }

    public static int requirePort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
        return port;
    }

    public static int requireWeight(int weight) {
        if (weight < 1 || weight > 1000) {
            throw new IllegalArgumentException("weight must be 1-1000, got " + weight);
        }
        return weight;
    }
}
