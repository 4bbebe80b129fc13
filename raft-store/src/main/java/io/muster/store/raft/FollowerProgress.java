package io.muster.store.raft;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** How far one follower is, as its leader sees it: the basis for choosing whom to hand leadership to. */
record FollowerProgress(String id, long matchIndex, long lastContactMs) {

    /** The follower with the most of the log; among equals the one heard from last, then by id (deterministic). */
    static Optional<String> best(List<FollowerProgress> followers) {
        return followers.stream()
                .min(Comparator.comparingLong(FollowerProgress::matchIndex).reversed()
                        .thenComparingLong(FollowerProgress::lastContactMs)
                        .thenComparing(FollowerProgress::id))
                .map(FollowerProgress::id);
    }
}
