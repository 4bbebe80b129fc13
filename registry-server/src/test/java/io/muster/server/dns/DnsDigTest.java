package io.muster.server.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** BIND's {@code dig}, where installed, as a second independent resolver: skipped when it is absent. */
@ExtendWith(DnsFixture.Extension.class)
class DnsDigTest {
    private static DnsFixture dns;

    @BeforeAll
    static void registerDig(DnsFixture fixture) {
        assumeTrue(onPath("dig"), "dig is not installed");
        dns = fixture;
        dns.register("digweb", "d1", "{\"address\":\"10.6.0.1\",\"port\":8080,\"metadata\":{\"v\":\"1\"}}");
        dns.register("digweb", "d2", "{\"address\":\"10.6.0.2\",\"port\":8081}");
        for (int i = 3; i <= 40; i++) {
            dns.register("digweb", "d" + i, "{\"address\":\"10.6.0." + i + "\",\"port\":8080}");
        }
        dns.awaitAnswer("digweb.service.muster.", Type.SRV,
                m -> DnsFixture.ask(dns.tcp(), "digweb.service.muster.", Type.SRV).getSection(Section.ANSWER).size() == 40);
    }

    private static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    private static List<String> dig(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", String.valueOf(dns.dnsPort()),
                "+time=3", "+tries=1"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return out.lines().toList();
    }

    @Test
    void digReadsSrvWithAddressesInAdditional() throws Exception {
        List<String> out = dig("+tcp", "_digweb._tcp.service.muster.", "SRV");
        assertTrue(out.stream().anyMatch(l -> l.contains("status: NOERROR")), String.join("\n", out));
        assertTrue(out.stream().anyMatch(l -> l.startsWith(";; flags: qr aa")), String.join("\n", out));
        assertTrue(out.stream().anyMatch(l -> l.matches("_digweb\\._tcp\\.service\\.muster\\.\\s+0\\s+IN\\s+SRV\\s+1 1 8080 0a060001-8080\\.addr\\.muster\\.")),
                String.join("\n", out));
        assertTrue(out.stream().anyMatch(l -> l.matches("0a060001-8080\\.addr\\.muster\\.\\s+0\\s+IN\\s+A\\s+10\\.6\\.0\\.1")),
                String.join("\n", out));
    }

    @Test
    void digShortAnswersAndStatuses() throws Exception {
        assertEquals(List.of("\"v=1\""), dig("+short", "digweb.service.muster.", "TXT"));
        assertTrue(dig("nosuch.service.muster.", "A").stream().anyMatch(l -> l.contains("status: NXDOMAIN")));
        assertTrue(dig("digweb.service.muster.", "MX").stream().anyMatch(l -> l.contains("status: NOERROR")));
    }

    @Test
    void digOverUdpSeesTcAndRetriesOverTcp() throws Exception {
        List<String> truncated = dig("+ignore", "+noedns", "digweb.service.muster.", "A");
        assertTrue(truncated.stream().anyMatch(l -> l.startsWith(";; flags:") && l.contains(" tc")), String.join("\n", truncated));
        List<String> retried = dig("+noedns", "+short", "digweb.service.muster.", "A");
        assertEquals(40, retried.size(), String.join("\n", retried));
    }
}
