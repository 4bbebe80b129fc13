package io.muster.client;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A connection to a Muster registry cluster: registers instances and hands out live views of services.
 *
 * <p>The client talks to any member it was given and fails over to the next one on a connection error, a
 * timeout or a {@code 5xx}/{@code 429} answer; writes sent to a follower are carried to the leader by the
 * cluster, so the client never looks for the leader.
 *
 * <p><b>Lifecycle.</b> A client owns two small pools of daemon threads. {@link #close()} closes every view and
 * deregisters every instance this client registered, then stops the threads; call it on graceful shutdown.
 *
 * <p><b>Thread-safety.</b> All methods may be called from any thread. Blocking methods must not be called from
 * a {@link ServiceViewListener}, which runs on the client's own threads.
 */
public interface MusterClient extends AutoCloseable {

    /** Returns a builder; {@link MusterClientBuilder#members(String...)} is the one required setting. */
    static MusterClientBuilder builder() {
        return new MusterClientBuilder();
    }

    /**
     * Registers an instance (an idempotent {@code PUT}) and, once the registry has acknowledged it, keeps it alive
     * with heartbeats every third of its TTL, re-registering it should the registry have forgotten it.
     *
     * @return the handle that keeps the registration alive; closing it deregisters the instance
     * @throws RegistryUnavailableException if no member acknowledged the registration within the retry policy
     * @throws MusterException if the registry refused it (for example {@code invalid_argument})
     * @throws IllegalStateException if this client already holds a live registration of the same service and id,
     *     or is closed
     */
    RegistrationHandle register(Registration registration);

    /** As {@link #register(Registration)}, without blocking; the future fails with the same exceptions. */
    CompletableFuture<RegistrationHandle> registerAsync(Registration registration);

    /**
     * The names of every service the registry holds (any member's own state: a stale read), sorted. One request,
     * retried on other members as a registration is; for a live picture, hold views instead.
     *
     * @throws RegistryUnavailableException if no member answered within the retry policy
     * @throws MusterException if the registry refused (for example {@code permission_denied})
     */
    List<String> services();

    /** As {@link #services()}, without blocking. */
    CompletableFuture<List<String>> servicesAsync();

    /** Returns a live view of the service's healthy ({@code passing}) endpoints; see {@link ServiceView}. */
    ServiceView serviceView(String service);

    /**
     * Returns a live view of the service's healthy endpoints that carry every one of {@code tags}.
     *
     * <p>Each call starts a new view with its own blocking query: create one per service and keep it, rather than
     * one per request. The view closes with the client or on its own {@link ServiceView#close()}.
     *
     * @throws IllegalArgumentException if the service name or a tag is not a DNS label
     * @throws IllegalStateException if the client is closed
     */
    ServiceView serviceView(String service, Set<String> tags);

    /** The member addresses this client was built with, in their configured order. */
    List<URI> members();

    /**
     * Closes every view, deregisters every live registration (waiting a bounded time for the registry), and
     * stops the client's threads. Idempotent; never throws.
     */
    @Override
    void close();
}
