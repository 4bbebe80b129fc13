package io.muster.server.limit;

import io.muster.server.check.Cidr;
import java.time.Duration;
import java.util.List;

/**
 * What a client may create and use (design rule 20), every field a server setting. Zero means "no limit" for the
 * counts that may be switched off.
 *
 * @param checkAllow ranges active checks may reach even though they are loopback, link-local or metadata
 *        ({@code --check-allow})
 * @param maxServices services with at least one instance, cluster-wide; 0: unlimited
 * @param maxInstances instances, cluster-wide; 0: unlimited
 * @param maxInstancesPerService instances of one service; 0: unlimited
 * @param rateLimit requests per second per client address (token bucket refill); 0: off
 * @param rateBurst requests a client may send at once above the rate (bucket size)
 * @param maxBlockingQueriesPerClient parked blocking queries per client address; 0: unlimited
 * @param maxBlockingQueries parked blocking queries on this member
 * @param maxConnections open HTTP connections on this member
 * @param maxConnectionsPerClient open HTTP connections per client address; 0: unlimited
 * @param httpIdleTimeout a connection with no request in progress for this long is closed
 * @param maxRestoreBytes largest inflated size of a snapshot a restore may carry
 */
public record LimitSettings(
        List<Cidr> checkAllow,
        int maxServices,
        int maxInstances,
        int maxInstancesPerService,
        double rateLimit,
        int rateBurst,
        int maxBlockingQueriesPerClient,
        int maxBlockingQueries,
        int maxConnections,
        int maxConnectionsPerClient,
        Duration httpIdleTimeout,
        long maxRestoreBytes) {

    public LimitSettings {
        checkAllow = List.copyOf(checkAllow);
    }

    public static LimitSettings defaults() {
        return new LimitSettings(List.of(), 0, 0, 0, 0, 0, 0, 100_000, 10_000, 0, Duration.ofMinutes(5), 256L << 20);
    }
}
