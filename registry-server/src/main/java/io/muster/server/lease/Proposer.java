package io.muster.server.lease;

import io.muster.store.command.Command;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Proposes one log entry of {@code commands}; completes once it is applied here, or fails. Over Raft: {@code RaftNode::submit}. */
@FunctionalInterface
public interface Proposer {

    CompletableFuture<?> propose(List<Command> commands);
}
