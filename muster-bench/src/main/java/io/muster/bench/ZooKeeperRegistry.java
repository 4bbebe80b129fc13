package io.muster.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.ServiceCacheListener;

/**
 * ZooKeeper as its Java users build discovery on it, through Curator x-discovery: register = an ephemeral node
 * ({@code registerService}), liveness = the client's session (there is no per-instance renewal to measure),
 * lookup = {@code queryForInstances} (after a {@code sync} for the linearizable one), propagation = a
 * {@code ServiceCache} listener. A JVM peer, so both sides of the comparison pay the same JIT costs.
 *
 * <p>Curator's calls block, so operations run on a pool as large as the number in flight. Every client is given the
 * whole ensemble (ZooKeeper picks a server per session): a client bound to one server could not survive that
 * server's death, which the failover workload needs.
 */
final class ZooKeeperRegistry implements Registry, AutoCloseable {
    private static final String BASE = "/muster-bench";
    private static final Pattern SEQ = Pattern.compile("seq=(\\d+)");

    private final List<URI> members;
    private final ExecutorService pool;
    private final List<CuratorFramework> clients = new ArrayList<>();
    private final List<ServiceDiscovery<String>> discoveries = new ArrayList<>();
    private final Map<String, Boolean> published = new ConcurrentHashMap<>();
    /** Which session registered an instance: ephemeral nodes belong to it, and only it unregisters them. */
    private final Map<Integer, Integer> owner = new ConcurrentHashMap<>();

    ZooKeeperRegistry(List<URI> members, int sessions, int threads) {
        this.members = members;
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "zk-op");
            t.setDaemon(true);
            return t;
        });
        String ensemble = String.join(",", members.stream().map(u -> u.getHost() + ":" + u.getPort()).toList());
        for (int i = 0; i < sessions; i++) {
            CuratorFramework c = CuratorFrameworkFactory.newClient(ensemble, 30_000, 10_000, new ExponentialBackoffRetry(100, 5));
            c.start();
            ServiceDiscovery<String> d = ServiceDiscoveryBuilder.builder(String.class).client(c).basePath(BASE).build();
            try {
                d.start();
            } catch (Exception e) {
                throw new IllegalStateException("ZooKeeper discovery did not start", e);
            }
            clients.add(c);
            discoveries.add(d);
        }
    }

    @Override
    public String name() {
        return "zookeeper";
    }

    private <T> Future<T> async(Callable<T> call) {
        Promise<T> p = Promise.promise();
        pool.execute(() -> {
            try {
                p.complete(call.call());
            } catch (Exception e) {
                p.fail(e);
            }
        });
        return p.future();
    }

    private ServiceDiscovery<String> via(int member) {
        return discoveries.get(member % discoveries.size());
    }

    private static ServiceInstance<String> instance(String service, String id, int n, String payload) throws Exception {
        return ServiceInstance.<String>builder().name(service).id(id)
                .address("10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255)).port(8080).payload(payload).build();
    }

    @Override
    public Future<Boolean> register(int member, int service, int instance) {
        return async(() -> {
            via(member).registerService(instance("svc-" + service, "inst-" + instance, instance, "version=1.0.0"));
            owner.put(instance, member % discoveries.size());
            return true;
        });
    }

    @Override
    public boolean renewsPerInstance() {
        return false;
    }

    @Override
    public Future<Boolean> heartbeat(int member, int service, int instance) {
        throw new UnsupportedOperationException("ZooKeeper's liveness is the session: no per-instance renewal");
    }

    /**
     * ZooKeeper reads are served by the session's server; {@code sync()} first makes a read see every write committed
     * before it (the documented way to a linearizable read).
     */
    private void sync(int member) {
        Promise<Void> synced = Promise.promise();
        try {
            clients.get(member % clients.size()).sync().inBackground((client, event) -> synced.complete()).forPath(BASE);
        } catch (Exception e) {
            throw new IllegalStateException("sync failed", e);
        }
        synced.future().toCompletionStage().toCompletableFuture().join();
    }

    @Override
    public Future<Boolean> lookup(int member, int service, boolean linearizable) {
        return async(() -> {
            if (linearizable) {
                sync(member);
            }
            via(member).queryForInstances("svc-" + service);
            return true;
        });
    }

    @Override
    public Future<Boolean> deregister(int member, int service, int instance) {
        return async(() -> {
            // The session that registered the instance removes it, as the application that owns it would.
            via(owner.getOrDefault(instance, member)).unregisterService(instance("svc-" + service, "inst-" + instance, instance, null));
            return true;
        });
    }

    @Override
    public Future<Boolean> publish(int member, String service, int slot, long seq) {
        return async(() -> {
            ServiceDiscovery<String> d = discoveries.get(0);
            ServiceInstance<String> i = instance(service, "p-" + slot, slot + 1, "seq=" + seq);
            if (published.putIfAbsent(service + "/" + slot, true) == null) {
                d.registerService(i);
            } else {
                d.updateService(i);
            }
            return true;
        });
    }

    @Override
    public void watch(int member, String service, LongConsumer seen) {
        ServiceDiscovery<String> d = via(member);
        ServiceCache<String> cache = d.serviceCacheBuilder().name(service).build();
        cache.addListener(new ServiceCacheListener() {
            @Override
            public void cacheChanged() {
                for (ServiceInstance<String> i : cache.getInstances()) {
                    Matcher m = SEQ.matcher(String.valueOf(i.getPayload()));
                    if (m.find()) {
                        seen.accept(Long.parseLong(m.group(1)));
                    }
                }
            }

            @Override
            public void stateChanged(CuratorFramework client, org.apache.curator.framework.state.ConnectionState state) {
                // a reconnect re-reads the cache; nothing to do here
            }
        });
        try {
            cache.start();
        } catch (Exception e) {
            throw new IllegalStateException("ServiceCache did not start", e);
        }
    }

    /** The member whose four-letter {@code srvr} answer says {@code Mode: leader}. */
    @Override
    public int leader() {
        for (int m = 0; m < members.size(); m++) {
            try (Socket s = new Socket(members.get(m).getHost(), members.get(m).getPort())) {
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write("srvr".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                if (new String(in.readAllBytes(), StandardCharsets.US_ASCII).contains("Mode: leader")) {
                    return m;
                }
            } catch (java.io.IOException e) {
                // this member does not answer: ask the next one
            }
        }
        return -1;
    }

    @Override
    public Set<Integer> present(int member, String service) {
        long giveUp = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                Set<Integer> out = new HashSet<>();
                sync(member);
                for (ServiceInstance<String> i : via(member).queryForInstances(service)) {
                    if (i.getId().startsWith("inst-")) {
                        out.add(Integer.parseInt(i.getId().substring(5)));
                    }
                }
                return out;
            } catch (Exception e) {
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("ZooKeeper did not answer a lookup within 30 s", e);
                }
            }
        }
    }

    @Override
    public void close() {
        for (ServiceDiscovery<String> d : discoveries) {
            try {
                d.close();
            } catch (java.io.IOException e) {
                // closing anyway
            }
        }
        clients.forEach(CuratorFramework::close);
        pool.shutdownNow();
    }
}
