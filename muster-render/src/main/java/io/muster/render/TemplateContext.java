package io.muster.render;

import io.muster.client.Endpoint;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What one rendering of one template sees: {@code service.NAME} is the list of NAME's passing endpoints, each a
 * map of {@code id address port hostPort weight tags metadata}. Services are found by being named, as
 * consul-template finds its dependencies: the first rendering that names a service opens its view. The context
 * records which services the rendering used, and which of them had no endpoint.
 */
final class TemplateContext {
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final Function<String, List<Endpoint>> endpoints;
    private final Set<String> used = new TreeSet<>();
    private final Set<String> empty = new TreeSet<>();

    /** @param endpoints the current endpoints of a service, opening its view on first use */
    TemplateContext(Function<String, List<Endpoint>> endpoints) {
        this.endpoints = endpoints;
    }

    /** The root object handed to the template. */
    Map<String, Object> root() {
        return Map.of("service", new Services());
    }

    Set<String> used() {
        return Set.copyOf(used);
    }

    /** Services the rendering named that had no passing endpoint: such a rendering must not be installed. */
    Set<String> empty() {
        return Set.copyOf(empty);
    }

    private List<Map<String, Object>> lookup(String service) {
        used.add(service);
        List<Endpoint> list = endpoints.apply(service);
        if (list.isEmpty()) {
            empty.add(service);
        }
        return list.stream().map(TemplateContext::fields).toList();
    }

    private static Map<String, Object> fields(Endpoint e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("address", e.address());
        m.put("port", e.port());
        m.put("hostPort", e.hostPort());
        m.put("weight", e.weight());
        m.put("tags", e.tags());
        m.put("metadata", e.metadata());
        return m;
    }

    /**
     * A map with every key; JMustache asks {@code containsKey} and then {@code get}. A key that is not a service name
     * fails the rendering: answering "no such key" would render a typo as a silently empty section.
     */
    private final class Services extends AbstractMap<String, Object> {
        @Override
        public boolean containsKey(Object key) {
            return key instanceof String;
        }

        @Override
        public Object get(Object key) {
            if (!(key instanceof String name) || !SERVICE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a service name: '" + key + "'");
            }
            return lookup(name);
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return Set.of();
        }
    }
}
