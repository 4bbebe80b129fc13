package io.muster.server.check;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.muster.store.model.Check;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a check's target and judges every address it resolves to by the {@link AddressPolicy}: at
 * registration (a refused target is a 400) and again before every probe, which then connects to the very address
 * that was judged, never resolving the name a second time (a name that resolved to an allowed address when
 * checked and to a refused one when connecting is DNS rebinding). A name is refused if <em>any</em> of its
 * addresses is refused, since the connection might use any of them.
 *
 * <p>Name resolution blocks, so it runs on a small pool of its own, never on an event loop (design rule 14); a
 * literal address is judged at once. Thread-safe; {@link #close()} stops the pool.
 */
public final class CheckTargets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckTargets.class);
    private static final int RESOLVER_THREADS = 4;
    private static final int RESOLVER_QUEUE = 10_000;

    /** Name resolution, injectable for tests. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    public static final Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /** The outcome of judging a target. */
    public sealed interface Verdict {
        /** Connect to exactly this address. */
        record Allowed(InetSocketAddress address) implements Verdict {
        }

        record Refused(String reason) implements Verdict {
        }

        /** The name does not resolve (now); nothing to connect to. */
        record Unresolved(String reason) implements Verdict {
        }
    }

    /** Where a check connects: the host as written (a name or a literal) and the port. */
    public record Target(String host, int port) {
    }

    private final AddressPolicy policy;
    private final Resolver resolver;
    private final ThreadPoolExecutor pool;
    private final Counter refusedAtRegistration;
    private final Counter refusedAtProbe;
    private final AtomicBoolean loggedRegistration = new AtomicBoolean();
    private final AtomicBoolean loggedProbe = new AtomicBoolean();

    public CheckTargets(AddressPolicy policy, Resolver resolver, MeterRegistry meters) {
        this.policy = policy;
        this.resolver = resolver;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(RESOLVER_THREADS, RESOLVER_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(RESOLVER_QUEUE), r -> {
                    Thread t = new Thread(r, "muster-check-resolver-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.refusedAtRegistration = refusedCounter(meters, "registration");
        this.refusedAtProbe = refusedCounter(meters, "probe");
    }

    private static Counter refusedCounter(MeterRegistry meters, String stage) {
        return Counter.builder("muster_check_refused").tag("stage", stage)
                .description("check targets refused by the address policy (--check-allow), at registration or before a probe")
                .register(meters);
    }

    /** The target of an HTTP or TCP check; empty for a TTL check or a target that does not parse. */
    public static Optional<Target> target(Check check) {
        try {
            if (check instanceof Check.Http h) {
                URI u = URI.create(h.http());
                if (u.getHost() == null) {
                    return Optional.empty();
                }
                int port = u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
                return Optional.of(new Target(AddressPolicy.stripBrackets(u.getHost()), port));
            }
            if (check instanceof Check.Tcp t) {
                int colon = t.tcp().lastIndexOf(':');
                if (colon <= 0) {
                    return Optional.empty();
                }
                return Optional.of(new Target(AddressPolicy.stripBrackets(t.tcp().substring(0, colon)),
                        Integer.parseInt(t.tcp().substring(colon + 1))));
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Judges a target for a registration; counts and logs a refusal. */
    public CompletableFuture<Verdict> atRegistration(Target target) {
        return judge(target).thenApply(v -> {
            if (v instanceof Verdict.Refused r) {
                refusedAtRegistration.increment();
                logFirst(loggedRegistration, "registration", target, r.reason());
            }
            return v;
        });
    }

    /** Judges a target before a probe; counts and logs a refusal. */
    CompletableFuture<Verdict> atProbe(Target target) {
        return judge(target).thenApply(v -> {
            if (v instanceof Verdict.Refused r) {
                refusedAtProbe.increment();
                logFirst(loggedProbe, "probe", target, r.reason());
            }
            return v;
        });
    }

    private static void logFirst(AtomicBoolean logged, String stage, Target target, String reason) {
        if (logged.compareAndSet(false, true)) {
            LOG.warn("Refused a check target at {} (first time; later ones only count in muster_check_refused_total): {}:{}: {}",
                    stage, target.host(), target.port(), reason);
        } else {
            LOG.debug("Refused a check target at {}: {}:{}: {}", stage, target.host(), target.port(), reason);
        }
    }

    CompletableFuture<Verdict> judge(Target target) {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(target.host());
        if (literal != null) {
            try {
                return CompletableFuture.completedFuture(judge(List.of(InetAddress.getByAddress(literal)), target.port()));
            } catch (UnknownHostException e) {
                return CompletableFuture.completedFuture(new Verdict.Unresolved("bad address " + target.host()));
            }
        }
        CompletableFuture<Verdict> f = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    f.complete(judge(resolver.resolve(target.host()), target.port()));
                } catch (UnknownHostException e) {
                    f.complete(new Verdict.Unresolved("cannot resolve " + target.host()));
                } catch (RuntimeException e) {
                    f.complete(new Verdict.Unresolved("cannot resolve " + target.host() + ": " + Notes.describe(e)));
                }
            });
        } catch (RejectedExecutionException e) {
            f.complete(new Verdict.Unresolved("cannot resolve " + target.host() + ": the resolver is busy"));
        }
        return f;
    }

    private Verdict judge(List<InetAddress> addresses, int port) {
        if (addresses.isEmpty()) {
            return new Verdict.Unresolved("no addresses");
        }
        for (InetAddress a : addresses) {
            Optional<String> why = policy.refusal(a, port);
            if (why.isPresent()) {
                return new Verdict.Refused(why.get());
            }
        }
        return new Verdict.Allowed(new InetSocketAddress(addresses.get(0), port));
    }

    /**
     * The judged address as Vert.x should connect to it: by its literal, never by a host name the
     * {@link InetAddress} may still carry (Vert.x would resolve that name again).
     */
    static io.vertx.core.net.SocketAddress literal(InetSocketAddress address) {
        return io.vertx.core.net.SocketAddress.inetSocketAddress(address.getPort(), address.getAddress().getHostAddress());
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
