package io.muster.client.internal;

import io.muster.client.InstanceStatus;
import io.muster.client.Registration;
import io.muster.client.RegistrationHandle;
import io.muster.client.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registration's life: the first {@code PUT}, a heartbeat every third of the TTL (so two may be lost before
 * the TTL runs out), a new {@code PUT} when a heartbeat meets {@code 404}, and the {@code DELETE} at the end.
 * Each step is one asynchronous call; the next is scheduled when it completes, so a slow registry delays the
 * loop rather than piling calls up.
 */
final class DefaultRegistrationHandle implements RegistrationHandle {

    private static final Logger log = LoggerFactory.getLogger(DefaultRegistrationHandle.class);

    private final Registration registration;
    private final HttpTransport transport;
    private final ScheduledExecutorService scheduler;
    private final RetryPolicy retry;
    private final Clock clock;
    private final Runnable onClosed;
    private final HttpTransport.Request put;
    private final String heartbeatPath;
    private final Duration heartbeatTimeout;
    private volatile HttpTransport.Request heartbeat;
    private volatile InstanceStatus status = InstanceStatus.PASSING;
    /** Set when the status changed while a beat was in flight: the next beat goes at once. Guarded by lock. */
    private boolean beatNow;
    private final HttpTransport.Request delete;
    private final long intervalMs;

    private final Object lock = new Object();
    private boolean closing;
    private ScheduledFuture<?> nextBeat;
    private CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);
    private CompletableFuture<Void> deregistration;

    private volatile long index;
    private volatile Instant lastRenewal;
    private final AtomicLong reregistrations = new AtomicLong();
    /** Touched only by the heartbeat loop, whose steps run one after another. */
    private int failures;

    DefaultRegistrationHandle(Registration registration, HttpTransport transport, ScheduledExecutorService scheduler,
            ClientConfig config, Runnable onClosed) {
        this.registration = registration;
        this.transport = transport;
        this.scheduler = scheduler;
        this.retry = config.retryPolicy();
        this.clock = config.clock();
        this.onClosed = onClosed;
        this.intervalMs = Math.max(1, registration.ttl().toMillis() / 3);
        String path = "/v1/services/" + registration.service() + "/instances/" + registration.id();
        Duration timeout = config.requestTimeout();
        // A heartbeat slower than the interval is worth less than one sent to the next member.
        this.heartbeatTimeout = Duration.ofMillis(Math.min(timeout.toMillis(), Math.max(intervalMs, 100)));
        this.heartbeatPath = path + "/heartbeat";
        this.put = HttpTransport.Request.put(path, WireFormat.registrationBody(registration), timeout);
        this.heartbeat = HttpTransport.Request.put(heartbeatPath, WireFormat.heartbeatBody(), heartbeatTimeout);
        this.delete = HttpTransport.Request.delete(path, timeout);
    }

    /** Sends the first registration; on success the heartbeat loop starts. */
    CompletableFuture<RegistrationHandle> start() {
        CompletableFuture<RegistrationHandle> registered;
        synchronized (lock) {
            registered = transport.send(put, retry.maxAttempts()).thenApply(response -> {
                accept(response);
                return (RegistrationHandle) this;
            });
            inFlight = registered;
        }
        return registered.whenComplete((handle, failure) -> {
            if (failure == null) {
                log.info("Registered {}/{} at {}:{} (index {}, ttl {})", registration.service(), registration.id(),
                        registration.address(), registration.port(), index, GoDurations.format(registration.ttl()));
                scheduleBeat(takeBeatNow() ? 0 : intervalMs);
            } else {
                abandon();
            }
        });
    }

    @Override
    public Registration registration() {
        return registration;
    }

    @Override
    public long index() {
        return index;
    }

    @Override
    public Optional<Instant> lastRenewal() {
        return Optional.ofNullable(lastRenewal);
    }

    @Override
    public long reregistrations() {
        return reregistrations.get();
    }

    @Override
    public void setStatus(InstanceStatus newStatus, String note) {
        Objects.requireNonNull(newStatus, "status");
        Objects.requireNonNull(note, "note");
        if (note.length() > 1024) {
            throw new IllegalArgumentException("note must be at most 1024 characters, got " + note.length());
        }
        synchronized (lock) {
            if (closing) {
                throw new IllegalStateException("registration " + registration.service() + "/" + registration.id()
                        + " is closed");
            }
            heartbeat = HttpTransport.Request.put(heartbeatPath, WireFormat.heartbeatBody(newStatus, note), heartbeatTimeout);
            status = newStatus;
            log.info("{}/{} reports {} from now on{}", registration.service(), registration.id(), newStatus.wire(),
                    note.isEmpty() ? "" : " (" + note + ")");
            // A beat waiting for its time goes now; one in flight carries the old body, so the next follows at once.
            if (nextBeat != null && nextBeat.cancel(false)) {
                scheduleBeat(0);
            } else {
                beatNow = true;
            }
        }
    }

    @Override
    public InstanceStatus status() {
        return status;
    }

    @Override
    public boolean isOpen() {
        synchronized (lock) {
            return !closing;
        }
    }

    @Override
    public void deregister() {
        try {
            deregisterAsync().join();
        } catch (RuntimeException e) {
            throw HttpTransport.rethrow(e);
        }
    }

    @Override
    public void close() {
        try {
            deregister();
        } catch (RuntimeException e) {
            log.warn("Could not deregister {}/{}; it will expire after its TTL: {}", registration.service(),
                    registration.id(), e.toString());
        }
    }

    /**
     * Stops the loop, waits for the call in flight, then deletes. The wait matters: a re-registration still in
     * flight could otherwise reach the registry after the {@code DELETE} and bring the instance back.
     */
    CompletableFuture<Void> deregisterAsync() {
        synchronized (lock) {
            if (deregistration != null) {
                return deregistration;
            }
            closing = true;
            if (nextBeat != null) {
                nextBeat.cancel(false);
            }
            deregistration = inFlight
                    .handle((ignored, failure) -> null)
                    .thenCompose(ignored -> transport.send(delete, retry.maxAttempts()))
                    .thenAccept(response -> {
                        if (response.status() / 100 != 2 && response.status() != 404) {
                            throw WireFormat.error(response.status(), response.body(), delete.toString());
                        }
                        log.info("Deregistered {}/{}", registration.service(), registration.id());
                    })
                    .whenComplete((ignored, failure) -> onClosed.run());
            return deregistration;
        }
    }

    /** The first registration failed: nothing to delete, only to forget. */
    private void abandon() {
        synchronized (lock) {
            closing = true;
            if (deregistration == null) {
                deregistration = CompletableFuture.completedFuture(null);
            }
        }
        onClosed.run();
    }

    private void scheduleBeat(long delayMs) {
        synchronized (lock) {
            if (closing) {
                return;
            }
            try {
                nextBeat = scheduler.schedule(this::beat, delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                log.debug("Scheduler is shut down; heartbeats of {}/{} stop", registration.service(), registration.id());
            }
        }
    }

    private void beat() {
        synchronized (lock) {
            if (closing) {
                return;
            }
            inFlight = transport.send(heartbeat, transport.memberCount())
                    .thenCompose(response -> response.status() == 404 && isOpen()
                            ? reregister()
                            : CompletableFuture.completedFuture(response))
                    .handle((response, failure) -> {
                        try {
                            onBeatDone(response, failure);
                        } catch (RuntimeException e) {
                            // Nothing else would schedule the next beat: keep the registration alive regardless.
                            log.error("Unexpected failure in the heartbeat loop of {}/{}", registration.service(),
                                    registration.id(), e);
                            scheduleBeat(intervalMs);
                        }
                        return null;
                    });
        }
    }

    private boolean takeBeatNow() {
        synchronized (lock) {
            boolean now = beatNow;
            beatNow = false;
            return now;
        }
    }

    private CompletableFuture<HttpTransport.Response> reregister() {
        log.info("Registry no longer knows {}/{} (heartbeat answered 404); registering it again",
                registration.service(), registration.id());
        return transport.send(put, transport.memberCount()).thenApply(response -> {
            accept(response);
            reregistrations.incrementAndGet();
            return response;
        });
    }

    private void onBeatDone(HttpTransport.Response response, Throwable failure) {
        if (failure == null && response.status() / 100 == 2) {
            lastRenewal = clock.instant();
            if (failures > 0) {
                log.info("Heartbeats of {}/{} reach the registry again after {} failures", registration.service(),
                        registration.id(), failures);
            }
            failures = 0;
            scheduleBeat(takeBeatNow() ? 0 : intervalMs);
            return;
        }
        Throwable problem = failure != null ? HttpTransport.unwrap(failure)
                : WireFormat.error(response.status(), response.body(), heartbeat.toString());
        failures++;
        if (failures == 1) {
            log.warn("Heartbeat of {}/{} failed; retrying with backoff: {}", registration.service(),
                    registration.id(), problem.toString());
        } else {
            log.debug("Heartbeat of {}/{} failed again ({}): {}", registration.service(), registration.id(),
                    failures, problem.toString());
        }
        long backoff = retry.backoff(failures - 1, ThreadLocalRandom.current()).toMillis();
        scheduleBeat(Math.min(intervalMs, backoff));
    }

    private void accept(HttpTransport.Response response) {
        if (response.status() / 100 != 2) {
            throw WireFormat.error(response.status(), response.body(), put.toString());
        }
        index = WireFormat.writeIndex(response);
        lastRenewal = clock.instant();
    }

    @Override
    public String toString() {
        return "Registration[" + registration.service() + "/" + registration.id() + (isOpen() ? "" : ", closed") + "]";
    }
}
