package io.muster.client.internal;

import io.muster.client.MusterException;
import io.muster.client.RegistryUnavailableException;
import io.muster.client.RetryPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one request to the registry with failover: each member once without waiting, then with backoff. A
 * connection failure, a timeout, {@code 5xx} and {@code 429} move on to the next member; any other answer,
 * {@code 4xx} included, is the caller's to interpret.
 *
 * <p>The member that last worked is preferred by every later request, so a healthy client talks to one member and
 * all of its calls move together when that member fails.
 */
public final class HttpTransport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);

    /** Far above any real answer (10,000 instances is a few MiB), far below hurting a service's heap. */
    static final int MAX_BODY_BYTES = 32 << 20;

    /** The JDK's own timeout stops at the response headers; this guard also bounds a body that trickles in. */
    private static final long BODY_GRACE_MS = 250;

    /** One request, sent as is to whichever member is tried. */
    public record Request(String method, String path, byte[] body, Duration timeout) {

        public static Request get(String path, Duration timeout) {
            return new Request("GET", path, null, timeout);
        }

        public static Request put(String path, byte[] body, Duration timeout) {
            return new Request("PUT", path, body, timeout);
        }

        public static Request delete(String path, Duration timeout) {
            return new Request("DELETE", path, null, timeout);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** A member's answer that was not retried. */
    public record Response(URI member, int status, HttpHeaders headers, byte[] body) {

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    private final List<URI> members;
    private final RetryPolicy retry;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService httpExecutor;
    private final HttpClient http;
    private final AtomicInteger preferred = new AtomicInteger();
    private final java.util.Optional<String> authorization;

    HttpTransport(ClientConfig config, ScheduledExecutorService scheduler) {
        this.members = config.members();
        this.retry = config.retryPolicy();
        this.authorization = config.token().map(t -> "Bearer " + t);
        this.scheduler = scheduler;
        this.httpExecutor = Executors.newCachedThreadPool(new DaemonThreadFactory("muster-client-http-"));
        HttpClient.Builder builder = HttpClient.newBuilder()
                // h2c upgrade attempts buy nothing against a JSON API and confuse some proxies.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(httpExecutor);
        config.sslContext().ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    public int memberCount() {
        return members.size();
    }

    /**
     * Moves the preference off {@code member} after it answered something unusable; a compare-and-set, so
     * several calls failing on the same member move the preference once, not once each.
     */
    public void demote(URI member) {
        int index = members.indexOf(member);
        if (index >= 0 && members.size() > 1) {
            preferred.compareAndSet(index, (index + 1) % members.size());
        }
    }

    /**
     * Sends {@code request}, trying at most {@code maxAttempts} times over the members. Cancelling the returned
     * future abandons the exchange in flight.
     *
     * @return completes with the first answer that is not retried, or fails with
     *     {@link RegistryUnavailableException} once every attempt has failed
     */
    public CompletableFuture<Response> send(Request request, int maxAttempts) {
        Call call = new Call(request, maxAttempts);
        call.attempt(0);
        return call.result;
    }

    @Override
    public void close() {
        httpExecutor.shutdownNow();
    }

    private final class Call {
        final Request request;
        final int maxAttempts;
        final CompletableFuture<Response> result = new CompletableFuture<>();
        volatile Future<?> current;

        Call(Request request, int maxAttempts) {
            this.request = request;
            this.maxAttempts = maxAttempts;
            result.whenComplete((response, failure) -> {
                Future<?> inFlight = current;
                if (result.isCancelled() && inFlight != null) {
                    inFlight.cancel(true);
                }
            });
        }

        void attempt(int attempt) {
            if (result.isDone()) {
                return;
            }
            int index = preferred.get();
            URI member = members.get(index);
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(member + request.path()))
                    .timeout(request.timeout())
                    .header("Accept", "application/json");
            authorization.ifPresent(a -> builder.header("Authorization", a));
            if (request.body() == null) {
                builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
            } else {
                builder.header("Content-Type", "application/json; charset=utf-8")
                        .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
            }
            AtomicBoolean timedOut = new AtomicBoolean();
            CompletableFuture<HttpResponse<byte[]>> exchange;
            ScheduledFuture<?> guard;
            try {
                exchange = http.sendAsync(builder.build(), info -> new LimitedBodySubscriber(MAX_BODY_BYTES));
                guard = scheduler.schedule(() -> {
                    timedOut.set(true);
                    exchange.cancel(true);
                }, request.timeout().toMillis() + BODY_GRACE_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new IllegalStateException("client is closed", e));
                return;
            }
            current = exchange;
            exchange.whenComplete((response, failure) -> {
                guard.cancel(false);
                Throwable cause = failure == null ? null
                        : timedOut.get()
                        ? new HttpTimeoutException(request + " to " + member + " timed out after " + request.timeout())
                        : unwrap(failure);
                onAttemptDone(attempt, index, member, response, cause);
            });
        }

        private void onAttemptDone(int attempt, int index, URI member, HttpResponse<byte[]> response, Throwable failure) {
            if (result.isDone()) {
                return;
            }
            long retryAfterMs = 0;
            Throwable problem = failure;
            if (failure == null) {
                int status = response.statusCode();
                if (status < 500 && status != 429) {
                    result.complete(new Response(member, status, response.headers(), response.body()));
                    return;
                }
                problem = WireFormat.error(status, response.body(), request + " to " + member);
                retryAfterMs = retryAfterMillis(response.headers());
            }
            if (members.size() > 1) {
                preferred.compareAndSet(index, (index + 1) % members.size());
            }
            int next = attempt + 1;
            log.debug("{} to {} failed (attempt {} of {}): {}", request, member, next, maxAttempts, problem.toString());
            if (next >= maxAttempts) {
                result.completeExceptionally(new RegistryUnavailableException(
                        request + " failed on every attempt (" + maxAttempts + ", members " + members
                                + "); last: " + problem, problem));
                return;
            }
            long delay = 0;
            if (next >= members.size()) {
                long backoff = retry.backoff(next - members.size(), ThreadLocalRandom.current()).toMillis();
                delay = Math.max(backoff, Math.min(retryAfterMs, retry.maxDelay().toMillis()));
            }
            if (delay == 0) {
                attempt(next);
                return;
            }
            try {
                current = scheduler.schedule(() -> attempt(next), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new IllegalStateException("client is closed", e));
            }
        }
    }

    private static long retryAfterMillis(HttpHeaders headers) {
        try {
            return headers.firstValue("Retry-After").map(v -> Long.parseLong(v.trim()) * 1000).orElse(0L);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Rethrows an async failure as the caller would expect from a blocking call. */
    static RuntimeException rethrow(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new MusterException(cause.toString(), cause);
    }
}
