package io.muster.server.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.muster.server.testing.TestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/**
 * One real three-node cluster shared by every DNS test class in the run (starting one costs seconds on this
 * machine), closed when the run ends. Each class registers its own services, so classes do not see each other's
 * data. Queries go to a follower: DNS answers from the node's own state, and a follower is where staleness
 * would show.
 */
final class DnsFixture implements AutoCloseable {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DnsFixture.class);

    private final TestCluster cluster;
    private final int member;

    private DnsFixture() {
        cluster = new TestCluster(3).start();
        member = cluster.anyFollower();
    }

    /** Resolves a {@code DnsFixture} parameter of a {@code @BeforeAll} method or a test method. */
    static final class Extension implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
            return p.getParameter().getType() == DnsFixture.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext c) {
            return c.getRoot().getStore(NAMESPACE).computeIfAbsent(DnsFixture.class, k -> new DnsFixture(), DnsFixture.class);
        }
    }

    TestCluster cluster() {
        return cluster;
    }

    /** The member whose DNS port the tests query. */
    int member() {
        return member;
    }

    int dnsPort() {
        return cluster.ports(member).dns();
    }

    void register(String service, String id, String json) {
        HttpResponse<String> r = cluster.put(0, "/v1/services/" + service + "/instances/" + id, json);
        assertEquals(200, r.statusCode(), r.body());
    }

    void heartbeat(String service, String id, String status) {
        HttpResponse<String> r = cluster.put(0, "/v1/services/" + service + "/instances/" + id + "/heartbeat",
                "{\"status\":\"" + status + "\"}");
        assertEquals(200, r.statusCode(), r.body());
    }

    void deregister(String service, String id) {
        HttpResponse<String> r = cluster.delete(0, "/v1/services/" + service + "/instances/" + id);
        assertEquals(200, r.statusCode(), r.body());
    }

    SimpleResolver udp() {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), dnsPort()));
        r.setTimeout(Duration.ofSeconds(3));
        return r;
    }

    SimpleResolver tcp() {
        SimpleResolver r = udp();
        r.setTCP(true);
        return r;
    }

    static org.xbill.DNS.Message query(String name, int type) {
        try {
            return org.xbill.DNS.Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static org.xbill.DNS.Message ask(SimpleResolver resolver, String name, int type) {
        try {
            return resolver.send(query(name, type));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    org.xbill.DNS.Message ask(String name, int type) {
        return ask(udp(), name, type);
    }

    /** Asks until the answer satisfies the condition: registrations reach the follower a moment after they commit. */
    org.xbill.DNS.Message awaitAnswer(String name, int type, Predicate<org.xbill.DNS.Message> condition) {
        org.xbill.DNS.Message[] last = new org.xbill.DNS.Message[1];
        try {
            TestCluster.await(name + " " + org.xbill.DNS.Type.string(type), Duration.ofSeconds(20), () -> {
                last[0] = ask(name, type);
                return condition.test(last[0]);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last answer:\n" + last[0], e);
        }
        return last[0];
    }

    static List<String> answerData(org.xbill.DNS.Message m) {
        return m.getSection(Section.ANSWER).stream().map(r -> r.rdataToString()).sorted().toList();
    }

    /** Sends raw bytes over UDP and returns the raw reply, if one comes within the timeout. */
    Optional<byte[]> exchangeUdp(byte[] query, Duration timeout) {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout((int) timeout.toMillis());
            s.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), dnsPort()));
            byte[] buf = new byte[65535];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            s.receive(reply);
            return Optional.of(java.util.Arrays.copyOf(buf, reply.getLength()));
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        cluster.close();
    }
}
