package io.muster.server.http;

import io.muster.store.model.Check;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.Names;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a registration body into an {@link InstanceSpec}, or an {@link ApiException} naming the field at fault.
 * Jackson does the strict structural part (types, unknown fields); this class checks the contract's limits.
 */
final class RegistrationParser {
    private static final Pattern IPV4 = Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");
    private static final Pattern HOST_LABEL = Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$");
    static final Duration MIN_TTL = Duration.ofSeconds(1);
    static final Duration MAX_TTL = Duration.ofHours(24);
    static final Duration MIN_INTERVAL = Duration.ofMillis(500);
    static final Duration MIN_DEREGISTER_AFTER = Duration.ofSeconds(1);

    /** The body as the client sends it; boxed types so that a missing field can be told from a zero. */
    record Body(String address, Integer port, List<String> tags, Map<String, String> metadata, Integer weight, Check check) {
    }

    private RegistrationParser() {
    }

    static InstanceSpec parse(byte[] body) {
        return validate(Bodies.parse(body, Body.class));
    }

    static InstanceSpec validate(Body b) {
        if (b.address() == null || b.address().isEmpty()) {
            throw ApiException.invalid("address", "address is required");
        }
        if (!isAddress(b.address())) {
            throw ApiException.invalid("address", "address must be an IPv4 or IPv6 address or a host name");
        }
        if (b.port() == null) {
            throw ApiException.invalid("port", "port is required");
        }
        if (b.port() < 1 || b.port() > 65535) {
            throw ApiException.invalid("port", "port must be between 1 and 65535");
        }
        List<String> tags = b.tags() == null ? List.of() : b.tags();
        if (tags.size() > 32) {
            throw ApiException.invalid("tags", "at most 32 tags");
        }
        for (String t : tags) {
            if (!Names.isLabel(t)) {
                throw ApiException.invalid("tags", "each tag must be a DNS label (a-z, 0-9, '-', at most 63)");
            }
        }
        if (tags.stream().distinct().count() != tags.size()) {
            throw ApiException.invalid("tags", "tags must be distinct");
        }
        Map<String, String> metadata = b.metadata() == null ? Map.of() : b.metadata();
        if (metadata.size() > 64) {
            throw ApiException.invalid("metadata", "at most 64 metadata keys");
        }
        for (var e : metadata.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().getBytes(StandardCharsets.UTF_8).length > 128) {
                throw ApiException.invalid("metadata", "metadata keys must be 1 to 128 bytes");
            }
            if (e.getValue() == null || e.getValue().getBytes(StandardCharsets.UTF_8).length > 512) {
                throw ApiException.invalid("metadata", "metadata values must be strings of at most 512 bytes");
            }
        }
        int weight = b.weight() == null ? 1 : b.weight();
        if (weight < 1 || weight > 1000) {
            throw ApiException.invalid("weight", "weight must be between 1 and 1000");
        }
        if (b.check() != null) {
            validateCheck(b.check());
        }
        return new InstanceSpec(b.address(), b.port(), tags, metadata, weight, b.check());
    }

    private static void validateCheck(Check check) {
        if (check.deregisterAfter() != null && check.deregisterAfter().compareTo(MIN_DEREGISTER_AFTER) < 0) {
            throw ApiException.invalid("check.deregisterAfter", "deregisterAfter must be at least 1s");
        }
        if (check instanceof Check.Ttl ttl) {
            if (ttl.ttl() == null || ttl.ttl().compareTo(MIN_TTL) < 0 || ttl.ttl().compareTo(MAX_TTL) > 0) {
                throw ApiException.invalid("check.ttl", "ttl must be between 1s and 24h");
            }
        } else if (check instanceof Check.Http http) {
            validateProbeTiming(http.interval(), http.timeout());
            if (http.http() == null || !isHttpUrl(http.http())) {
                throw ApiException.invalid("check.http", "http must be an absolute http:// or https:// URL");
            }
        } else if (check instanceof Check.Tcp tcp) {
            validateProbeTiming(tcp.interval(), tcp.timeout());
            if (tcp.tcp() == null || !isHostPort(tcp.tcp())) {
                throw ApiException.invalid("check.tcp", "tcp must be host:port");
            }
        }
    }

    private static void validateProbeTiming(Duration interval, Duration timeout) {
        if (interval == null || interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_TTL) > 0) {
            throw ApiException.invalid("check.interval", "interval is required, between 500ms and 24h");
        }
        if (timeout == null || timeout.isZero() || timeout.compareTo(interval) > 0) {
            throw ApiException.invalid("check.timeout", "timeout is required, above 0 and at most the interval");
        }
    }

    static boolean isAddress(String s) {
        if (s.length() > 253) {
            return false;
        }
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        if (s.indexOf(':') >= 0) {
            return IPV6.matcher(s).matches() && isIpv6Literal(s);
        }
        if (s.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
            return false;
        }
        String host = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        if (host.isEmpty()) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6Literal(String s) {
        try {
            // Only a literal reaches here (the pattern allows hex, ':' and '.'), so no name lookup happens.
            return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static boolean isHttpUrl(String s) {
        if (s.length() > 2048) {
            return false;
        }
        try {
            URI u = new URI(s);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static boolean isHostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            return false;
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String digits = s.substring(colon + 1);
        // ASCII digits only: Integer.parseInt would also take "+80" and non-Latin digits.
        if (!digits.matches("[0-9]{1,5}")) {
            return false;
        }
        int port = Integer.parseInt(digits);
        return port >= 1 && port <= 65535 && isAddress(host);
    }
}
