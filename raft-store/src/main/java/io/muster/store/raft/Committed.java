package io.muster.store.raft;

import io.muster.store.command.Result;
import java.util.List;

/** A log entry committed on a majority and applied here: its index and each command's outcome. */
public record Committed(long index, List<Result.Code> codes) {
}
