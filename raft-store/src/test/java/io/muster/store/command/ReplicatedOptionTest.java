package io.muster.store.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicatedOptionTest {
    @Test
    void selfPreservationIsStrictlyTrueOrFalse() {
        var o = ReplicatedOption.SELF_PRESERVATION;
        assertEquals(new Command.SetOption("self-preservation", "false"), o.set(false));
        assertEquals(Optional.of(true), o.read(Optional.of("true")));
        assertEquals(Optional.of(false), o.read(Optional.of("false")));
        // Boolean.parseBoolean would read these as false; a value we never write is no value.
        assertEquals(Optional.empty(), o.read(Optional.of("yes")));
        assertEquals(Optional.empty(), o.read(Optional.of("TRUE ")));
        assertEquals(Optional.empty(), o.read(Optional.empty()));
    }

    @Test
    void liveMembersRoundTripAsTheCommaSeparatedListEarlierReleasesWrote() {
        var o = ReplicatedOption.LIVE_MEMBERS;
        assertEquals(new Command.SetOption("live-members", "n1,n3"), o.set(List.of("n1", "n3")));
        assertEquals(Optional.of(List.of("n3", "n1")), o.read(Optional.of("n3,n1")));
        assertEquals(Optional.of(List.of()), o.read(Optional.of("")));
        assertEquals(Optional.of(List.of("n1")), o.read(Optional.of("n1,,")));
    }
}
