package io.muster.store.raft;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Faults injected through the Raft node itself, for server tests (this class shares the node's package so it can
 * reach what production code cannot).
 */
public final class RaftFaults {
    private RaftFaults() {
    }

    /**
     * Proposes an entry in the current framing around a command no build knows: what a newer build's entry is to an
     * older one during a rolling upgrade. Every member that commits it fails to apply it.
     */
    public static CompletableFuture<Committed> proposeUnreadable(RaftNode node) {
        byte[] json = "[{\"op\":\"from-a-newer-build\"}]".getBytes(StandardCharsets.UTF_8);
        return node.submitEncoded(ByteBuffer.allocate(9 + json.length).put((byte) 1).putLong(0).put(json).array());
    }
}
