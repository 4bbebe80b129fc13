package io.muster.spring.cloud;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code spring.cloud.muster.*}: where the registry is and how this application registers itself. */
@ConfigurationProperties("spring.cloud.muster")
public class MusterDiscoveryProperties {
    /** Turns the whole integration off. */
    private boolean enabled = true;
    /** Member base URLs, such as {@code http://10.0.0.1:8700}. */
    private List<String> members = new ArrayList<>(List.of("http://127.0.0.1:8700"));
    /** ACL token (its secret), sent on every request; empty sends none (docs/acl.md). */
    private String token = "";
    /** A PEM file of the CA certificates to trust for {@code https://} members; empty uses the JDK's trust store. */
    private String trustedCertificates = "";
    /** Register this application on start and deregister it on shutdown. */
    private boolean register = true;
    /** The service name to register under; defaults to {@code spring.application.name}. */
    private String serviceName = "";
    /** The instance id; defaults to {@code <service>-<address>-<port>}. */
    private String instanceId = "";
    /** The address to register; defaults to this host's address. */
    private String address = "";
    /** The port to register; defaults to the port the web server listens on. */
    private int port = 0;
    private Duration ttl = Duration.ofSeconds(10);
    private List<String> tags = new ArrayList<>();
    private Map<String, String> metadata = new LinkedHashMap<>();
    /** The views' protect threshold: a share of endpoints below which a sudden drop is not believed. */
    private double protectThreshold = 0.0;
    /** How long a first lookup of a service may wait for the registry's first answer. */
    private Duration firstLookupTimeout = Duration.ofSeconds(5);
    /** Circuit breaking per endpoint (the views' {@code CircuitBreakerPolicy}) and whether LoadBalancer drives it. */
    private final CircuitBreaking circuitBreaking = new CircuitBreaking();

    /** {@code spring.cloud.muster.circuit-breaking.*}. */
    public static class CircuitBreaking {
        /** Spring Cloud LoadBalancer reports its calls to the views and skips the endpoints they eject. */
        private boolean enabled = true;
        /** How long a first failure keeps an endpoint out; doubled after each failed trial. */
        private Duration baseEjection = Duration.ofSeconds(1);
        /** The longest time out, however many trials failed. */
        private Duration maxEjection = Duration.ofSeconds(30);
        /** In [0, 1): the largest share of a service's endpoints out at once (rounded down, never all; 0 ejects none). */
        private double maxEjectedShare = 0.5;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public Duration getBaseEjection() { return baseEjection; }
        public void setBaseEjection(Duration baseEjection) { this.baseEjection = baseEjection; }
        public Duration getMaxEjection() { return maxEjection; }
        public void setMaxEjection(Duration maxEjection) { this.maxEjection = maxEjection; }
        public double getMaxEjectedShare() { return maxEjectedShare; }
        public void setMaxEjectedShare(double maxEjectedShare) { this.maxEjectedShare = maxEjectedShare; }
    }

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public List<String> getMembers() { return members; }
    public void setMembers(List<String> members) { this.members = members; }
    public String getToken() { return token; }
    public void setToken(String token) { this.token = token; }
    public String getTrustedCertificates() { return trustedCertificates; }
    public void setTrustedCertificates(String trustedCertificates) { this.trustedCertificates = trustedCertificates; }
    public boolean isRegister() { return register; }
    public void setRegister(boolean register) { this.register = register; }
    public String getServiceName() { return serviceName; }
    public void setServiceName(String serviceName) { this.serviceName = serviceName; }
    public String getInstanceId() { return instanceId; }
    public void setInstanceId(String instanceId) { this.instanceId = instanceId; }
    public String getAddress() { return address; }
    public void setAddress(String address) { this.address = address; }
    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }
    public Duration getTtl() { return ttl; }
    public void setTtl(Duration ttl) { this.ttl = ttl; }
    public List<String> getTags() { return tags; }
    public void setTags(List<String> tags) { this.tags = tags; }
    public Map<String, String> getMetadata() { return metadata; }
    public void setMetadata(Map<String, String> metadata) { this.metadata = metadata; }
    public double getProtectThreshold() { return protectThreshold; }
    public void setProtectThreshold(double protectThreshold) { this.protectThreshold = protectThreshold; }
    public Duration getFirstLookupTimeout() { return firstLookupTimeout; }
    public void setFirstLookupTimeout(Duration firstLookupTimeout) { this.firstLookupTimeout = firstLookupTimeout; }
    public CircuitBreaking getCircuitBreaking() { return circuitBreaking; }
}
