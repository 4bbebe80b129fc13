package io.muster.server.limit;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every HTTP connection, counted against {@code --max-connections} (total and per client address), and closed once
 * it has had no request in progress for {@code --http-idle-timeout}. A parked blocking query is a request in
 * progress, so the idle timeout never cuts one off (Vert.x's own idle timeout counts bytes, and would).
 *
 * <p>A connection over a limit is not dropped at accept, which a client would see as a network fault: its first
 * request is answered {@code 429 rate_limited} with {@code Retry-After}, and the connection is closed.
 */
public final class ConnectionGuard implements Handler<HttpConnection> {
    private static final long RETRY_SECONDS = 1;
    private final Vertx vertx;
    private final ClientCounter counter;
    private final long idleMs;
    private final LimitMetrics metrics;
    private final Map<HttpConnection, State> states = new ConcurrentHashMap<>();

    private static final class State {
        final String client;
        final ClientCounter.Refusal refusal;
        int active;
        long lastActive = System.nanoTime();
        long timer = -1;

        State(String client, ClientCounter.Refusal refusal) {
            this.client = client;
            this.refusal = refusal;
        }
    }

    public ConnectionGuard(Vertx vertx, ClientCounter counter, long idleMs, LimitMetrics metrics) {
        this.vertx = vertx;
        this.counter = counter;
        this.idleMs = idleMs;
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpConnection conn) {
        var remote = conn.remoteAddress();
        String client = remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
        ClientCounter.Refusal refusal = counter.tryAcquire(client);
        State st = new State(client, refusal);
        states.put(conn, st);
        conn.closeHandler(v -> {
            State s = states.remove(conn);
            if (s != null) {
                synchronized (s) {
                    if (s.timer >= 0) {
                        vertx.cancelTimer(s.timer);
                    }
                }
                if (s.refusal == ClientCounter.Refusal.NONE) {
                    counter.release(s.client);
                }
            }
        });
        arm(conn, st, idleMs);
    }

    private void arm(HttpConnection conn, State st, long delayMs) {
        synchronized (st) {
            st.timer = vertx.setTimer(Math.max(1, delayMs), id -> idle(conn, st));
        }
    }

    private void idle(HttpConnection conn, State st) {
        if (!states.containsKey(conn)) {
            return;
        }
        long wait;
        synchronized (st) {
            long quiet = (System.nanoTime() - st.lastActive) / 1_000_000;
            wait = st.active > 0 ? idleMs : idleMs - quiet;
        }
        if (wait <= 0) {
            conn.close();
        } else {
            arm(conn, st, wait);
        }
    }

    /** Why a request on {@code conn} must be refused (the connection is over a limit), or empty. */
    public Optional<Long> refusedRetryAfter(HttpConnection conn) {
        State st = states.get(conn);
        if (st == null || st.refusal == ClientCounter.Refusal.NONE) {
            return Optional.empty();
        }
        metrics.rateLimited(LimitMetrics.CONNECTIONS, st.refusal == ClientCounter.Refusal.PER_CLIENT
                ? "client " + st.client + " opened more connections than --max-connections-per-client allows"
                : "this member has as many connections as --max-connections allows");
        return Optional.of(RETRY_SECONDS);
    }

    /** A request started on {@code conn}. */
    public void begin(HttpConnection conn) {
        State st = states.get(conn);
        if (st != null) {
            synchronized (st) {
                st.active++;
                st.lastActive = System.nanoTime();
            }
        }
    }

    /** A request on {@code conn} ended. */
    public void end(HttpConnection conn) {
        State st = states.get(conn);
        if (st != null) {
            synchronized (st) {
                st.active = Math.max(0, st.active - 1);
                st.lastActive = System.nanoTime();
            }
        }
    }

    /** Connections open now. */
    public int open() {
        return states.size();
    }
}
