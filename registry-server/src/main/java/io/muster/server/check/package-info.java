/**
 * Active HTTP and TCP health checks (design rule 8).
 *
 * <p>{@link io.muster.server.check.CheckScheduler} is the one public piece: each member runs one. It learns the
 * agreed set of live members from {@link io.muster.server.check.LiveMembers} (the leader replicates it as a
 * catalog option), keeps the instances that {@link io.muster.server.check.Rendezvous} hashing assigns to this
 * member, and probes each once per interval with {@link io.muster.server.check.HttpProbe} or
 * {@link io.muster.server.check.TcpProbe}, asynchronously and under a concurrency cap. Results go through
 * {@link io.muster.server.check.CheckState}'s failure and success thresholds; only a status change reaches
 * the log, batched by {@link io.muster.server.check.TransitionBatcher}. Meters live in
 * {@link io.muster.server.check.CheckMetrics}; settings in {@link io.muster.server.check.CheckSettings}.
 *
 * <p>Removal after {@code deregisterAfter} is not here: the leader's lease manager removes any long-critical
 * instance, whatever its check.
 */
package io.muster.server.check;
