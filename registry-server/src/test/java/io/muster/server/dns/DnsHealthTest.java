package io.muster.server.dns;

import static io.muster.server.dns.DnsFixture.answerData;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** DNS follows instance health and membership as the follower learns of them. */
@ExtendWith(DnsFixture.Extension.class)
class DnsHealthTest {

    @Test
    void instanceTurningCriticalDisappearsAndComesBackWhenPassing(DnsFixture dns) {
        dns.register("flaky", "f1", "{\"address\":\"10.2.0.1\",\"port\":80,\"tags\":[\"canary\"],\"check\":{\"ttl\":\"60s\"}}");
        dns.register("flaky", "f2", "{\"address\":\"10.2.0.2\",\"port\":80,\"check\":{\"ttl\":\"60s\"}}");
        dns.awaitAnswer("flaky.service.muster.", Type.A, m -> answerData(m).equals(List.of("10.2.0.1", "10.2.0.2")));

        dns.heartbeat("flaky", "f1", "critical");
        dns.awaitAnswer("flaky.service.muster.", Type.A, m -> answerData(m).equals(List.of("10.2.0.2")));
        dns.awaitAnswer("_flaky._tcp.service.muster.", Type.SRV, m -> m.getSection(Section.ANSWER).size() == 1);
        // The tag still names something (a critical instance carries it), so: no data, not no such name.
        var canary = dns.ask("canary.flaky.service.muster.", Type.A);
        assertEquals(Rcode.NOERROR, canary.getRcode());
        assertEquals(0, canary.getSection(Section.ANSWER).size());

        dns.heartbeat("flaky", "f1", "passing");
        dns.awaitAnswer("flaky.service.muster.", Type.A, m -> answerData(m).equals(List.of("10.2.0.1", "10.2.0.2")));
    }

    @Test
    void deregisteredInstancesDisappearAndAnEmptiedServiceIsNxdomain(DnsFixture dns) {
        dns.register("gone", "g1", "{\"address\":\"10.3.0.1\",\"port\":80}");
        dns.register("gone", "g2", "{\"address\":\"10.3.0.2\",\"port\":80}");
        dns.awaitAnswer("gone.service.muster.", Type.A, m -> answerData(m).size() == 2);

        dns.deregister("gone", "g1");
        dns.awaitAnswer("gone.service.muster.", Type.A, m -> answerData(m).equals(List.of("10.3.0.2")));
        dns.deregister("gone", "g2");
        dns.awaitAnswer("gone.service.muster.", Type.A, m -> m.getRcode() == Rcode.NXDOMAIN);
    }
}
