package io.muster.server.check;

import java.util.List;
import java.util.Optional;

/** Which members share the checks, and whether this one may check now: {@link LiveMembers} over Raft, a fake in tests. */
interface CheckMembers {

    /** Called every membership tick on every member; only the ready leader acts (publishes the live set). */
    void lead(long now);

    /** The agreed live members, sorted. */
    List<String> current();

    /** Why this member may not check now, if so. */
    Optional<String> notServing(List<String> live, boolean servingNow);

    /** This member stopped checking: the next start needs fresh proof that it caught up. */
    void stoppedServing();
}
