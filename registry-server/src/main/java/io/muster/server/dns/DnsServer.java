package io.muster.server.dns;

import io.micrometer.core.instrument.MeterRegistry;
import io.muster.store.catalog.CatalogView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Address;

/**
 * The DNS interface (contract, "DNS"): one UDP socket and one TCP server on the same port, answering from
 * this node's own catalog on Vert.x event loops. Names served are described in {@link DnsNames}; answers in
 * {@link DnsAnswers}; sizes and errors in {@link DnsResponder}.
 *
 * <p>Lifecycle: {@link #start} once, {@link #close} any number of times.
 */
public final class DnsServer {
    /** Open TCP connections allowed at once; more are closed on accept. */
    static final int MAX_TCP_CONNECTIONS = 256;
    /** Room for a burst of queries while the event loop is busy (a GC pause, a slow answer); the kernel may cap it. */
    static final int UDP_RECEIVE_BUFFER = 1 << 20;
    /** A TCP connection with no traffic this long is closed (RFC 7766 asks for seconds, not minutes). */
    static final int TCP_IDLE_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);

    private final Vertx vertx;
    private final CatalogView catalog;
    private final DnsNames names;
    private final long ttlSeconds;
    private final DnsMetrics metrics;
    private final java.util.function.Predicate<String> readable;
    private final java.util.function.BooleanSupplier caughtUp;
    private DnsResponder responder;
    private DatagramSocket udp;
    private NetServer tcp;
    private Future<Void> closing;
    private int port;

    /**
     * @param domain the domain served, such as {@code muster.}
     * @param ttl    TTL of every answer, whole seconds (default 0: resolvers ask again each time)
     * @throws IllegalArgumentException if the domain is not a DNS name or the TTL is negative
     */
    public DnsServer(Vertx vertx, CatalogView catalog, String domain, Duration ttl, MeterRegistry meters) {
        this(vertx, catalog, domain, ttl, meters, service -> true, () -> true);
    }

    /**
     * @param readable which services a question may see (a request without a token may read them); any other
     *                 answers as a name that does not exist, so DNS does not reveal what it hides
     * @param caughtUp false while a member restarted from disk replays its log: questions then answer SERVFAIL
     *                 rather than from a snapshot older than what the member answered before
     */
    public DnsServer(Vertx vertx, CatalogView catalog, String domain, Duration ttl, MeterRegistry meters,
                     java.util.function.Predicate<String> readable, java.util.function.BooleanSupplier caughtUp) {
        this.readable = Objects.requireNonNull(readable, "readable");
        this.caughtUp = Objects.requireNonNull(caughtUp, "caughtUp");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("DNS TTL must not be negative: " + ttl);
        }
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.names = new DnsNames(domain);
        this.ttlSeconds = Math.min(ttl.getSeconds(), Integer.MAX_VALUE);
        this.metrics = new DnsMetrics(meters);
    }

    /**
     * Listens on TCP and UDP at host:port. Port 0 picks a free TCP port and then binds UDP to the same number
     * (see {@link #port()}). Completes once both listen, or fails with nothing left open.
     */
    public synchronized Future<Void> start(String host, int port) {
        if (responder != null) {
            return Future.failedFuture(new IllegalStateException("DNS server already started"));
        }
        responder = new DnsResponder(new DnsAnswers(catalog, names, ttlSeconds, nameServerAddress(host), readable, caughtUp), metrics);
        tcp = vertx.createNetServer(new NetServerOptions()
                .setIdleTimeout(TCP_IDLE_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS));
        tcp.connectHandler(this::accept);
        udp = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(UDP_RECEIVE_BUFFER));
        udp.handler(this::onPacket);
        udp.exceptionHandler(e -> LOG.debug("DNS UDP socket: {}", e.toString()));
        return tcp.listen(port, host)
                .compose(server -> udp.listen(server.actualPort(), host))
                .<Void>map(socket -> {
                    this.port = tcp.actualPort();
                    LOG.info("DNS serving {} on {}:{} (UDP and TCP)", names.domain(), host, this.port);
                    return null;
                })
                .recover(e -> Future.join(tcp.close(), udp.close()).transform(ignored -> Future.failedFuture(e)));
    }

    /** The port listened on, once started. */
    public synchronized int port() {
        return port;
    }

    public synchronized Future<Void> close() {
        if (closing == null) {
            closing = responder == null ? Future.succeededFuture()
                    : Future.join(udp.close(), tcp.close()).mapEmpty();
        }
        return closing;
    }

    private void onPacket(DatagramPacket packet) {
        Buffer data = packet.data();
        responder.respond(data.getBytes(), Transport.UDP).ifPresent(response ->
                udp.send(Buffer.buffer(response), packet.sender().port(), packet.sender().host())
                        .onFailure(e -> LOG.debug("DNS UDP reply to {} failed: {}", packet.sender(), e.toString())));
    }

    private void accept(NetSocket socket) {
        if (metrics.tcpConnections().incrementAndGet() > MAX_TCP_CONNECTIONS) {
            metrics.tcpConnections().decrementAndGet();
            metrics.tcpRefused();
            socket.close();
            return;
        }
        socket.closeHandler(v -> metrics.tcpConnections().decrementAndGet());
        new DnsTcpConnection(socket, responder, metrics).start();
    }

    /** {@code ns.<domain>} resolves to the listen address when it is one; a wildcard address names no host. */
    private static Optional<byte[]> nameServerAddress(String host) {
        byte[] a = host.indexOf(':') >= 0 ? Address.toByteArray(host, Address.IPv6) : Address.toByteArray(host, Address.IPv4);
        if (a == null) {
            return Optional.empty();
        }
        for (byte b : a) {
            if (b != 0) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
