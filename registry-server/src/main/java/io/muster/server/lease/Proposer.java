package io.muster.server.lease;

import io.muster.store.command.Command;
import io.muster.store.command.Result;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Proposes one log entry of {@code commands}; completes with each command's outcome once the entry is applied here,
 * or fails. A term-bound command refused at apply comes back {@link Result.Code#INVALID}. Over Raft: {@link
 * io.muster.store.raft.Proposals#submit}.
 */
@FunctionalInterface
public interface Proposer {

    CompletableFuture<List<Result.Code>> propose(List<Command> commands);
}
