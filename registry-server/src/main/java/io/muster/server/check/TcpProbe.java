package io.muster.server.check;

import io.muster.store.model.Check;
import io.vertx.core.Vertx;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * {@code {"tcp": "host:port"}}: a connection established within the timeout is passing; it is closed at once and
 * nothing is read or written. Asynchronous (Vert.x client), bounded by one deadline that also covers resolving
 * the host name. The host is resolved and judged by {@link CheckTargets} first, and the connection goes to the
 * judged address (never a second resolution).
 */
final class TcpProbe {
    private final Vertx vertx;
    private final NetClient client;
    private final CheckTargets targets;

    TcpProbe(Vertx vertx, CheckTargets targets) {
        this.vertx = vertx;
        this.targets = targets;
        this.client = vertx.createNetClient(new NetClientOptions().setReconnectAttempts(0));
    }

    CompletableFuture<ProbeResult> run(Check.Tcp check) {
        Attempt attempt = new Attempt(vertx, check.timeout(), "TCP connect");
        String target = check.tcp();
        CheckTargets.Target parsed = CheckTargets.target(check).orElse(null);
        if (parsed == null) {
            attempt.finish(ProbeResult.critical("bad address " + target));
            return attempt.result;
        }
        targets.atProbe(parsed).whenComplete((verdict, t) -> {
            if (t != null) {
                attempt.finish(ProbeResult.critical("TCP connect to " + target + " failed: " + Notes.describe(t)));
            } else if (verdict instanceof CheckTargets.Verdict.Allowed a) {
                if (!attempt.done()) {
                    connect(attempt, target, a.address(), check);
                }
            } else if (verdict instanceof CheckTargets.Verdict.Refused r) {
                attempt.finish(ProbeResult.critical("refused: " + r.reason()));
            } else {
                attempt.finish(ProbeResult.critical("TCP connect to " + target + " failed: "
                        + ((CheckTargets.Verdict.Unresolved) verdict).reason()));
            }
        });
        return attempt.result;
    }

    private void connect(Attempt attempt, String target, java.net.InetSocketAddress address, Check.Tcp check) {
        ConnectOptions options = new ConnectOptions()
                .setRemoteAddress(CheckTargets.literal(address))
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
    }

    void close() {
        client.close();
    }
}
