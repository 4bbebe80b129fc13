package io.muster.server.acl;

import io.muster.store.catalog.CatalogView;
import io.muster.store.command.Command;
import io.muster.store.command.Result;
import io.muster.store.raft.Leadership;
import io.muster.store.raft.Proposals;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --acl-bootstrap-token}: while the cluster was never bootstrapped, the ready leader proposes a management
 * token with the configured secret (only its SHA-256 travels). Apply accepts the first bootstrap and refuses any
 * later one, so members that all carry the flag, and leaders that change meanwhile, create exactly one token. Once
 * the replicated state says bootstrapped, this stops for good; the flag is then ignored.
 */
public final class AclBootstrap implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AclBootstrap.class);
    private static final long PERIOD_MS = 500;

    private final CatalogView catalog;
    private final Proposals proposals;
    private final Leadership leadership;
    private final Vertx vertx;
    private final AclSettings settings;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private long timer = -1;

    public AclBootstrap(CatalogView catalog, Proposals proposals, Leadership leadership, Vertx vertx, AclSettings settings) {
        this.catalog = catalog;
        this.proposals = proposals;
        this.leadership = leadership;
        this.vertx = vertx;
        this.settings = settings;
    }

    public synchronized void start() {
        if (settings.bootstrapSecret().isEmpty() || catalog.acl().bootstrapped()) {
            return;
        }
        timer = vertx.setPeriodic(PERIOD_MS, id -> tick());
    }

    private void tick() {
        if (catalog.acl().bootstrapped()) {
            close();
            return;
        }
        if (!leadership.isReadyLeader() || !inFlight.compareAndSet(false, true)) {
            return;
        }
        String accessor = Secrets.newAccessor();
        String hash = Secrets.sha256(settings.bootstrapSecret().orElseThrow());
        proposals.submit(java.util.List.of(new Command.BootstrapAcl(accessor, hash, "bootstrap token (--acl-bootstrap-token)")))
                .whenComplete((committed, error) -> {
                    inFlight.set(false);
                    if (error != null) {
                        LOG.debug("ACL bootstrap not committed yet: {}", error.toString());
                    } else if (committed.codes().get(0) == Result.Code.OK) {
                        LOG.warn("ACL bootstrapped from --acl-bootstrap-token: management token {} created", accessor);
                    }
                });
    }

    @Override
    public synchronized void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
