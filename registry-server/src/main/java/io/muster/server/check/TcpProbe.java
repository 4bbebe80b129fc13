package io.muster.server.check;

import io.muster.store.model.Check;
import io.vertx.core.Vertx;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.CompletableFuture;

/**
 * {@code {"tcp": "host:port"}}: a connection established within the timeout is passing; it is closed at once and
 * nothing is read or written. Asynchronous (Vert.x client), bounded by one deadline that also covers resolving
 * the host name.
 */
final class TcpProbe {
    private final Vertx vertx;
    private final NetClient client;

    TcpProbe(Vertx vertx) {
        this.vertx = vertx;
        this.client = vertx.createNetClient(new NetClientOptions().setReconnectAttempts(0));
    }

    CompletableFuture<ProbeResult> run(Check.Tcp check) {
        Attempt attempt = new Attempt(vertx, check.timeout(), "TCP connect");
        String target = check.tcp();
        int colon = target.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(target.substring(colon + 1));
        } catch (RuntimeException e) {
            attempt.finish(ProbeResult.critical("bad address " + target));
            return attempt.result;
        }
        String host = target.substring(0, Math.max(0, colon));
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        ConnectOptions options = new ConnectOptions().setHost(host).setPort(port)
                .setTimeout((int) Math.min(Integer.MAX_VALUE, check.timeout().toMillis()));
        client.connect(options).onComplete(ar -> {
            if (ar.failed()) {
                attempt.finish(ProbeResult.critical("TCP connect to " + target + " failed: " + Notes.describe(ar.cause())));
                return;
            }
            NetSocket socket = ar.result();
            attempt.hold(socket::close);
            if (socket.localAddress() != null && socket.localAddress().equals(socket.remoteAddress())) {
                // Linux's TCP simultaneous open: a connect to a free local ephemeral port can pick that very port
                // as its source and "connect" to itself. Nothing listens there: the target is down.
                attempt.finish(ProbeResult.critical("TCP connect to " + target + " failed: nothing listens (self-connection)"));
                return;
            }
            attempt.finish(ProbeResult.passing("TCP connect to " + target + " succeeded"));
        });
        return attempt.result;
    }

    void close() {
        client.close();
    }
}
