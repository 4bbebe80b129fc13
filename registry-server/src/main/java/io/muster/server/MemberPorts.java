package io.muster.server;

import io.muster.server.check.AddressPolicy;
import io.muster.store.catalog.CatalogView;
import io.muster.store.model.Member;
import io.muster.store.raft.ClusterAdmin;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Collections;

/**
 * The ports every member listens on, for the check address policy (design rule 19): this member's own HTTP,
 * Raft and DNS addresses, every current Raft peer, and the HTTP and DNS addresses members published.
 */
final class MemberPorts {
    private final ServerConfig config;
    private final ClusterAdmin admin;
    private final CatalogView catalog;

    MemberPorts(ServerConfig config, ClusterAdmin admin, CatalogView catalog) {
        this.config = config;
        this.admin = admin;
        this.catalog = catalog;
    }

    Collection<AddressPolicy.MemberPort> current() {
        List<AddressPolicy.MemberPort> ports = new ArrayList<>();
        ports.add(new AddressPolicy.MemberPort(config.http().host(), config.http().port()));
        ports.add(new AddressPolicy.MemberPort(config.raft().host(), config.raft().port()));
        if (config.dns().port() != 0) {
            ports.add(new AddressPolicy.MemberPort(config.dns().host(), config.dns().port()));
        }
        add(ports, config.advertiseHttp());
        for (var peer : admin.peers()) {
            add(ports, peer.raftAddress());
        }
        for (Member m : catalog.members().values()) {
            add(ports, m.httpAddress());
            add(ports, m.dnsAddress());
        }
        return ports;
    }

    private static void add(List<AddressPolicy.MemberPort> ports, String hostPort) {
        if (hostPort == null) {
            return;
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            return;
        }
        try {
            ports.add(new AddressPolicy.MemberPort(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))));
        } catch (NumberFormatException e) {
            // Not host:port: nothing to protect under it.
        }
    }

    private static volatile Set<InetAddress> local;

    /** This host's interface addresses, read once (a member bound to a wildcard answers on each of them). */
    static Set<InetAddress> localAddresses() {
        Set<InetAddress> l = local;
        if (l == null) {
            Set<InetAddress> found = new HashSet<>();
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    found.addAll(Collections.list(ni.getInetAddresses()));
                }
            } catch (SocketException e) {
                // Without the list, loopback and wildcard still count as this host.
            }
            l = Set.copyOf(found);
            local = l;
        }
        return l;
    }
}
