/**
 * TTL leases on the leader (design rules 5–7, 6a, 6b; docs/leases.md).
 *
 * <p>{@link io.muster.server.lease.LeaseManager} is driven by {@link io.muster.server.lease.LeadershipEvents}
 * (promoted in a term, demoted) and proposes through a {@link io.muster.server.lease.Proposer}; every command it
 * proposes carries its term. It keeps the leases in a {@link io.muster.server.lease.LeaseTable} on a monotonic
 * {@link io.muster.server.time.Ticker}, removes long-critical instances with
 * {@link io.muster.server.lease.CriticalRemoval}, holds mass lapses with
 * {@link io.muster.server.lease.SelfPreservation} and notices its own pauses with
 * {@link io.muster.server.lease.PauseDetector}. {@link io.muster.server.lease.HeartbeatRouter} brings heartbeats to
 * the leader; {@link io.muster.server.lease.RaftLeadership} adapts the Raft member's notifications.
 */
package io.muster.server.lease;
