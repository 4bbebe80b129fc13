package io.muster.server.write;

import io.muster.store.command.Command;
import io.muster.store.command.Result;
import java.util.concurrent.CompletableFuture;

/** Where the API hands a change: completes once it is committed and applied on this member. */
public interface Writes {
    CompletableFuture<Result> submit(Command command);
}
