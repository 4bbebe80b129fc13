package io.muster.client;

import io.muster.client.internal.ClientConfig;
import io.muster.client.internal.DefaultMusterClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds a {@link MusterClient}. Each setter checks its argument at once and may be called only once, so a
 * mistake fails where it is made; {@link #build()} fills in the defaults. Not thread-safe.
 *
 * <pre>{@code
 * MusterClient client = MusterClient.builder()
 *     .members("http://10.0.0.1:8700", "http://10.0.0.2:8700", "http://10.0.0.3:8700")
 *     .cacheDirectory(Path.of("/var/cache/myapp/muster"))
 *     .build();
 * }</pre>
 */
public final class MusterClientBuilder {

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_BLOCKING_WAIT = Duration.ofSeconds(30);
    static final Duration MAX_BLOCKING_WAIT = Duration.ofMinutes(5);
    static final Duration DEFAULT_LEADER_LOSS_BOUND = Duration.ofSeconds(3);

    private List<URI> members;
    private Duration connectTimeout;
    private Duration requestTimeout;
    private RetryPolicy retryPolicy;
    private Duration blockingWait;
    private Double protectThreshold;
    private Path cacheDirectory;
    private Clock clock;
    private javax.net.ssl.SSLContext sslContext;
    private String token;
    private Duration leaderLossBound;
    private CircuitBreakerPolicy circuitBreaker;
    private Ticker ticker;

    MusterClientBuilder() {
    }

    /**
     * The registry members to talk to, as base URLs such as {@code http://127.0.0.1:8700}; at least one. The
     * client starts with the first and moves on to the next whenever one fails.
     */
    public MusterClientBuilder members(String... addresses) {
        return members(Arrays.asList(addresses));
    }

    public MusterClientBuilder members(Collection<String> addresses) {
        Objects.requireNonNull(addresses, "addresses");
        requireUnset("members", members);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("at least one member address is required");
        }
        List<URI> parsed = new ArrayList<>();
        for (String address : addresses) {
            URI uri = parseMember(address);
            if (parsed.contains(uri)) {
                throw new IllegalArgumentException("member " + uri + " given twice");
            }
            parsed.add(uri);
        }
        this.members = List.copyOf(parsed);
        return this;
    }

    /** How long to wait for a TCP connection to a member (default 2s). */
    public MusterClientBuilder connectTimeout(Duration timeout) {
        requirePositive("connectTimeout", timeout);
        requireUnset("connectTimeout", connectTimeout);
        this.connectTimeout = timeout;
        return this;
    }

    /**
     * How long one request to one member may take before the client gives up on that member (default 5s). A
     * blocking query is given its wait on top of this; a heartbeat at most a third of its TTL (at least 100ms).
     */
    public MusterClientBuilder requestTimeout(Duration timeout) {
        requirePositive("requestTimeout", timeout);
        requireUnset("requestTimeout", requestTimeout);
        this.requestTimeout = timeout;
        return this;
    }

    /** Backoff between failed attempts (default {@link RetryPolicy#defaults()}). */
    public MusterClientBuilder retryPolicy(RetryPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        requireUnset("retryPolicy", retryPolicy);
        this.retryPolicy = policy;
        return this;
    }

    /**
     * How long the registry may hold a view's blocking query open when nothing changes (default 30s, at most
     * 5m). Shorter means more requests; it does not make changes arrive sooner.
     */
    public MusterClientBuilder blockingWait(Duration wait) {
        requirePositive("blockingWait", wait);
        if (wait.compareTo(MAX_BLOCKING_WAIT) > 0) {
            throw new IllegalArgumentException("blockingWait must be at most " + MAX_BLOCKING_WAIT + ", got " + wait);
        }
        requireUnset("blockingWait", blockingWait);
        this.blockingWait = wait;
        return this;
    }

    /**
     * The share of its current endpoints below which a view refuses a new answer and keeps what it has
     * (default 0: only an answer with no endpoints at all is refused). With 0.5, a view holding 10 endpoints
     * refuses an answer with 4 and takes one with 5. In {@code [0, 1)}.
     */
    public MusterClientBuilder protectThreshold(double share) {
        if (!(share >= 0.0 && share < 1.0)) {
            throw new IllegalArgumentException("protectThreshold must be in [0, 1), got " + share);
        }
        requireUnset("protectThreshold", protectThreshold);
        this.protectThreshold = share;
        return this;
    }

    /**
     * Persists each view's endpoints to a file in {@code directory} (created if missing) whenever they change, and
     * loads them when a view is created, so a process restarted during a registry outage still has endpoints.
     * Off by default.
     */
    public MusterClientBuilder cacheDirectory(Path directory) {
        Objects.requireNonNull(directory, "directory");
        requireUnset("cacheDirectory", cacheDirectory);
        this.cacheDirectory = directory;
        return this;
    }

    /**
     * How long a view stays on a member that has lost its leader (it answers {@code X-Muster-Known-Leader: false},
     * or an {@code X-Muster-Last-Contact} above this) before moving to another member (default 3s, a few
     * election timeouts). Meanwhile the view reports the member's lag in {@link ServiceView#staleness()}.
     */
    public MusterClientBuilder leaderLossBound(Duration bound) {
        requirePositive("leaderLossBound", bound);
        requireUnset("leaderLossBound", leaderLossBound);
        this.leaderLossBound = bound;
        return this;
    }

    /** The clock behind {@link ServiceView#lastUpdated()} and {@link ServiceView#staleness()} (default UTC system clock). */
    public MusterClientBuilder clock(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        requireUnset("clock", this.clock);
        this.clock = clock;
        return this;
    }

    /** How views treat endpoints the application reports failing (default {@link CircuitBreakerPolicy#defaults()}). */
    public MusterClientBuilder circuitBreaker(CircuitBreakerPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        requireUnset("circuitBreaker", circuitBreaker);
        this.circuitBreaker = policy;
        return this;
    }

    /** The monotonic time behind circuit breaking's backoffs (default {@link Ticker#system()}). */
    public MusterClientBuilder ticker(Ticker ticker) {
        Objects.requireNonNull(ticker, "ticker");
        requireUnset("ticker", this.ticker);
        this.ticker = ticker;
        return this;
    }

    /**
     * The TLS context for {@code https://} members, for example one that also presents a client certificate to a
     * registry started with {@code --tls-client-ca}. Without it (and without {@link #trustedCertificates}), the
     * JDK's default trust store decides. The JDK checks that a member's certificate names the host in its URL.
     */
    public MusterClientBuilder sslContext(javax.net.ssl.SSLContext context) {
        Objects.requireNonNull(context, "context");
        requireUnset("sslContext (or trustedCertificates)", sslContext);
        this.sslContext = context;
        return this;
    }

    /**
     * Trusts exactly the CA certificates in this PEM file (such as the {@code ca.pem} of docs/tls.md) for
     * {@code https://} members; a shorthand for {@link #sslContext} with a context built from the file.
     *
     * @throws IllegalArgumentException if the file is missing, unreadable or holds no PEM certificate
     */
    public MusterClientBuilder trustedCertificates(Path caPemFile) {
        Objects.requireNonNull(caPemFile, "caPemFile");
        requireUnset("trustedCertificates (or sslContext)", sslContext);
        this.sslContext = io.muster.client.internal.TrustedCertificates.sslContext(caPemFile);
        return this;
    }

    /**
     * The ACL token (its secret) to send as {@code Authorization: Bearer} on every request; none by default, which
     * a registry on {@code --acl-default-policy deny} refuses with {@code 401}. Registering needs {@code write} on
     * the service, watching needs {@code read}.
     *
     * @throws IllegalArgumentException if it is empty, longer than 256 characters, or holds characters no token has
     */
    public MusterClientBuilder token(String secret) {
        Objects.requireNonNull(secret, "token");
        if (token != null) {
            throw new IllegalStateException("token was already set");
        }
        if (secret.isEmpty() || secret.length() > 256 || !secret.matches("[A-Za-z0-9._~+/=-]+")) {
            // The message must not echo the value: it is a secret.
            throw new IllegalArgumentException("token must be 1 to 256 of A-Z a-z 0-9 - . _ ~ + / =");
        }
        this.token = secret;
        return this;
    }

    /**
     * Builds the client and starts its threads; it connects lazily.
     *
     * @throws IllegalStateException if no members were given
     */
    public MusterClient build() {
        if (members == null) {
            throw new IllegalStateException("members are required");
        }
        return new DefaultMusterClient(new ClientConfig(
                members,
                connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout,
                requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout,
                retryPolicy == null ? RetryPolicy.defaults() : retryPolicy,
                blockingWait == null ? DEFAULT_BLOCKING_WAIT : blockingWait,
                protectThreshold == null ? 0.0 : protectThreshold,
                Optional.ofNullable(cacheDirectory),
                clock == null ? Clock.systemUTC() : clock,
                Optional.ofNullable(sslContext),
                Optional.ofNullable(token),
                leaderLossBound == null ? DEFAULT_LEADER_LOSS_BOUND : leaderLossBound,

                circuitBreaker == null ? CircuitBreakerPolicy.defaults() : circuitBreaker,
                ticker == null ? Ticker.system() : ticker));
    }

    private static URI parseMember(String address) {
        Objects.requireNonNull(address, "member address");
        URI uri;
        try {
            uri = new URI(address.endsWith("/") ? address.substring(0, address.length() - 1) : address);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("member address is not a URL: '" + address + "'", e);
        }
        String scheme = uri.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("member address must start with http:// or https://: '" + address + "'");
        }
        if (uri.getHost() == null || uri.getPort() == 0) {
            throw new IllegalArgumentException("member address needs a host, and a port other than 0: '" + address + "'");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("member address must be scheme://host:port only: '" + address + "'");
        }
        return uri;
    }

    private static void requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1ms, got " + d);
        }
    }

    private static void requireUnset(String name, Object current) {
        if (current != null) {
            throw new IllegalStateException(name + " was already set to " + current);
        }
    }
}
