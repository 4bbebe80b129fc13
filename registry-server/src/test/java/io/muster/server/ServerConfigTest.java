package io.muster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration fails fast: a bad value stops the server with a message naming the flag and what it accepts. */
class ServerConfigTest {

    private static ServerConfig parse(String... args) {
        return ServerConfig.parse(List.of(args), Map.of());
    }

    private static String refusal(String flag, String value) {
        return assertThrows(IllegalArgumentException.class, () -> parse("--" + flag, value), flag + "=" + value).getMessage();
    }

    @Test
    void defaultsParse() {
        ServerConfig c = parse();
        assertEquals(512, c.writeBatch());
        assertTrue(c.leases().selfPreservationEnabled());
        assertEquals(10_000, c.limits().maxServices());
        assertEquals(Duration.ofMinutes(5), c.limits().httpIdleTimeout());
        assertTrue(c.limits().checkAllow().isEmpty());
    }

    @Test
    void writeBatchZeroIsRefusedNamingTheRange() {
        assertEquals("--write-batch must be from 1 to 65536, got 0", refusal("write-batch", "0"));
    }

    @Test
    void booleansAreStrict() {
        assertTrue(refusal("self-preservation", "yes").startsWith("--self-preservation must be true or false"));
        assertTrue(refusal("self-preservation", "TRUE").contains("true or false"));
        assertFalse(parse("--self-preservation", "false").leases().selfPreservationEnabled());
    }

    @Test
    void numbersAreWholeAsciiAndInRange() {
        for (String bad : List.of("", "abc", "+5", "1.5", "1e3", "99999999999999999999", "٣")) {
            assertTrue(refusal("write-in-flight", bad).startsWith("--write-in-flight must be"), bad);
        }
        assertTrue(refusal("check-concurrency", "0").contains("from 1 to 65536"));
        assertTrue(refusal("raft-segment-size", "100").contains("--raft-segment-size"));
        assertTrue(refusal("max-services", "-1").contains("from 0 to"));
        assertTrue(refusal("max-connections", "0").contains("--max-connections"));
        assertTrue(refusal("self-preservation-share", "0").contains("above 0 and at most 1"));
        assertTrue(refusal("self-preservation-share", "1.5").contains("--self-preservation-share"));
        assertTrue(refusal("self-preservation-share", "NaN").contains("decimal"));
    }

    @Test
    void durationsAreStrictAndRanged() {
        for (String bad : List.of("10", "5 s", "-1s", "1d", "")) {
            assertTrue(refusal("lease-grace", bad).startsWith("--lease-grace must be a duration"), bad);
        }
        assertTrue(refusal("election-timeout", "1ms").contains("from 50ms to 1m"));
        assertTrue(refusal("http-idle-timeout", "0s").contains("--http-idle-timeout"));
        assertEquals(Duration.ofMillis(1500), parse("--checkpoint-interval", "1.5s").leases().checkpointInterval());
    }

    @Test
    void checkAllowTakesCidrsOnly() {
        assertEquals(2, parse("--check-allow", "127.0.0.0/8, ::1").limits().checkAllow().size());
        assertTrue(refusal("check-allow", "localhost").startsWith("--check-allow must be a comma-separated list of CIDR"));
        assertTrue(refusal("check-allow", "10.0.0.0/40").contains("--check-allow"));
    }

    @Test
    void restoreSizeIsBoundedByWhatApplyAccepts() {
        assertTrue(refusal("max-restore-size", String.valueOf((1L << 30) + 1)).contains("--max-restore-size"));
        assertTrue(refusal("max-restore-size", "1").contains("--max-restore-size"));
    }

    @Test
    void environmentValuesAreCheckedAlike() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.parse(List.of(), Map.of("MUSTER_WRITE_BATCH", "0"))).getMessage();
        assertTrue(m.startsWith("--write-batch"), m);
    }

    @Test
    void rateLimitBurstDefaultsToTheRate() {
        var l = parse("--rate-limit", "50").limits();
        assertEquals(50, l.rateBurst());
        assertEquals(7, parse("--rate-limit", "50", "--rate-limit-burst", "7").limits().rateBurst());
    }

    @Test
    void unknownFlagsAndMissingValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> parse("--no-such-flag", "1"));
        assertThrows(IllegalArgumentException.class, () -> parse("--write-batch"));
    }
}
