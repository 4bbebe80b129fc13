package io.muster.store.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go-style duration strings, the contract's format for every duration in JSON and query strings. */
class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource({
        "500ms,            500000000",
        "10s,              10000000000",
        "5m,               300000000000",
        "1h,               3600000000000",
        "1m30s,            90000000000",
        "1h2m3s4ms5us6ns,  3723004005006",
        "1.5s,             1500000000",
        "0.5ms,            500000",
        "1.001s,           1001000000",
        "2.5h,             9000000000000",
        "1us,              1000",
        "1µs,              1000",
        "1ns,              1",
        "1.9ns,            1",
        "0s,               0",
        "0ms,              0",
        "007s,             7000000000",
        "1s1s,             2000000000",
        "9223372036854775807ns, 9223372036854775807",
        "2562047h,         9223369200000000000",
    })
    void parsesGoDurations(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), GoDuration.parse(text));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "10", "-1s", "+1s", "1d", "1w", "1S", "1Ms", "1 s", " 1s", "1s ", "1.s", ".5s", "1e3s", "1,5s", "s", "ms",
        "1ss", "1s-", "0x10s", "1.2.3s", "infinity", "NaNs",
    })
    void refusesWhatIsNotAGoDuration(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
        assertTrue(e.getMessage().contains("500ms"), "message shows the expected form: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808ns", "2562048h", "99999999999999999999h", "9999999999999999h9999999999m"})
    void refusesDurationsBeyondTheLongNanosecondRange(String text) {
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
    }

    @Test
    void refusesOverlongInputWithAnAbbreviatedMessage() {
        String huge = "1s".repeat(10_000);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(huge));

        assertTrue(e.getMessage().length() < 200, e.getMessage());
        assertTrue(e.getMessage().endsWith("..."), e.getMessage());
    }

    @ParameterizedTest(name = "{0} ns formats as {1}")
    @CsvSource({
        "3600000000000,   1h",
        "7200000000000,   2h",
        "300000000000,    5m",
        "5400000000000,   90m",
        "90000000000,     90s",
        "10000000000,     10s",
        "1500000000,      1500ms",
        "500000000,       500ms",
        "1000000,         1ms",
        "0,               0s",
        "1500000,         1500us",
        "1000,            1us",
        "1,               1ns",
        "1001000001,      1001000001ns",
    })
    void formatsWithTheLargestUnitThatDividesExactly(long nanos, String text) {
        assertEquals(text, GoDuration.format(Duration.ofNanos(nanos)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "10s", "1m30s", "1.5s", "1.001s", "1500us", "0.5ms", "1h0m1ns", "2562047h", "0s", "3ns"})
    void formattedValueParsesBackToTheSameDuration(String text) {
        Duration d = GoDuration.parse(text);

        assertEquals(d, GoDuration.parse(GoDuration.format(d)));
    }
}
