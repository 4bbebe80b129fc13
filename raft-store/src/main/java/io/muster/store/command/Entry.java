package io.muster.store.command;

import java.util.List;

/**
 * One Raft log entry: a batch of commands and the leader's clock at proposal time. Batching many HTTP
 * requests into one entry is what lifts write throughput from about a thousand to tens of thousands a second.
 */
public record Entry(long time, List<Command> commands) {

    public Entry {
        commands = List.copyOf(commands);
    }
}
