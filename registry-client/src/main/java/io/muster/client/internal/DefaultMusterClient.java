package io.muster.client.internal;

import io.muster.client.MusterClient;
import io.muster.client.MusterException;
import io.muster.client.Registration;
import io.muster.client.RegistrationHandle;
import io.muster.client.ServiceView;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client: owns the scheduler and the transport, and tracks every handle and view it gave out so that
 * {@link #close()} can close them, the way Curator's discovery object closes its caches and providers.
 */
public final class DefaultMusterClient implements MusterClient {

    private static final Logger log = LoggerFactory.getLogger(DefaultMusterClient.class);

    /** Two threads: heartbeats and view steps are short; a second thread keeps one slow listener from stalling all. */
    private static final int SCHEDULER_THREADS = 2;

    private final ClientConfig config;
    private final ScheduledThreadPoolExecutor scheduler;
    private final HttpTransport transport;
    private final ConcurrentHashMap<String, DefaultRegistrationHandle> registrations = new ConcurrentHashMap<>();
    private final Set<DefaultServiceView> views = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    public DefaultMusterClient(ClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = new ScheduledThreadPoolExecutor(SCHEDULER_THREADS, new DaemonThreadFactory("muster-client-"));
        // Cancelled heartbeats and view steps would otherwise sit in the queue until their time comes.
        scheduler.setRemoveOnCancelPolicy(true);
        this.transport = new HttpTransport(config, scheduler);
    }

    @Override
    public RegistrationHandle register(Registration registration) {
        try {
            return registerAsync(registration).join();
        } catch (RuntimeException e) {
            throw HttpTransport.rethrow(e);
        }
    }

    @Override
    public List<String> services() {
        try {
            return servicesAsync().join();
        } catch (RuntimeException e) {
            throw HttpTransport.rethrow(e);
        }
    }

    @Override
    public CompletableFuture<List<String>> servicesAsync() {
        ensureOpen();
        HttpTransport.Request request = HttpTransport.Request.get("/v1/services?consistency=stale", config.requestTimeout());
        return transport.send(request, config.retryPolicy().maxAttempts()).thenApply(response -> {
            if (response.status() / 100 != 2) {
                throw WireFormat.error(response.status(), response.body(), request.toString());
            }
            try {
                return WireFormat.parseServiceNames(response);
            } catch (WireFormat.BadAnswerException e) {
                throw new java.util.concurrent.CompletionException(
                        new MusterException(response.member() + ": " + e.getMessage(), e));
            }
        });
    }

    @Override
    public CompletableFuture<RegistrationHandle> registerAsync(Registration registration) {
        Objects.requireNonNull(registration, "registration");
        ensureOpen();
        String key = registration.service() + "/" + registration.id();
        DefaultRegistrationHandle[] created = new DefaultRegistrationHandle[1];
        registrations.compute(key, (k, existing) -> {
            if (existing != null && existing.isOpen()) {
                throw new IllegalStateException("this client already holds a live registration of " + k);
            }
            created[0] = new DefaultRegistrationHandle(registration, transport, scheduler, config,
                    () -> registrations.remove(k, created[0]));
            return created[0];
        });
        return created[0].start();
    }

    @Override
    public ServiceView serviceView(String service) {
        return serviceView(service, Set.of());
    }

    @Override
    public ServiceView serviceView(String service, Set<String> tags) {
        Names.requireServiceName(service);
        Objects.requireNonNull(tags, "tags");
        tags.forEach(Names::requireTag);
        ensureOpen();
        DefaultServiceView[] created = new DefaultServiceView[1];
        created[0] = new DefaultServiceView(service, tags, transport, scheduler, config,
                () -> views.remove(created[0]));
        views.add(created[0]);
        created[0].start();
        return created[0];
    }

    @Override
    public List<URI> members() {
        return config.members();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        new ArrayList<>(views).forEach(DefaultServiceView::close);
        List<CompletableFuture<Void>> deregistrations = new ArrayList<>();
        for (DefaultRegistrationHandle handle : new ArrayList<>(registrations.values())) {
            deregistrations.add(handle.deregisterAsync().exceptionally(failure -> {
                log.warn("Could not deregister {} on close; it will expire after its TTL: {}", handle,
                        HttpTransport.unwrap(failure).toString());
                return null;
            }));
        }
        Duration budget = closeBudget();
        try {
            CompletableFuture.allOf(deregistrations.toArray(CompletableFuture[]::new))
                    .get(budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("Gave up waiting for deregistrations after {}; the remaining instances will expire", budget);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.debug("Deregistration failed on close", e);
        }
        scheduler.shutdownNow();
        transport.close();
    }

    /**
     * Enough for each member to time out once plus a retry; a shutdown must not hang on an unreachable registry,
     * and an instance left behind expires by its TTL anyway.
     */
    private Duration closeBudget() {
        return config.requestTimeout().multipliedBy(config.members().size() + 1).plusMillis(500);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("client is closed");
        }
    }
}
