package io.muster.faults.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.muster.faults.cluster.Member;
import io.muster.faults.cluster.ProcessCluster;
import io.muster.faults.history.History;
import io.muster.faults.history.Op;
import io.muster.faults.history.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The clients of a run: registrars that register TTL instances, heartbeat them, then deregister or abandon them;
 * readers in every consistency mode on every member; and an observer of each member's leader and term. Every
 * call goes to one member and is recorded, whatever its outcome. Random choices come from the run's seed.
 */
public final class Workload {

    public static final String[] MODES = {"stale", "default", "consistent", "consistent"};

    private final ProcessCluster cluster;
    private final History history;
    private final Duration ttl;
    private final long seed;
    private final int services;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public Workload(ProcessCluster cluster, History history, Duration ttl, long seed, int services) {
        this.cluster = cluster;
        this.history = history;
        this.ttl = ttl;
        this.seed = seed;
        this.services = services;
    }

    public static String service(int k) {
        return "svc" + k;
    }

    public void start(int registrars, int readers) {
        for (int i = 0; i < registrars; i++) {
            int p = i;
            threads.add(daemon("registrar-" + p, () -> registrar(p)));
        }
        for (int i = 0; i < readers; i++) {
            int p = 100 + i;
            threads.add(daemon("reader-" + p, () -> reader(p)));
        }
        threads.add(daemon("observer", this::observer));
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    public void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** After the faults: one consistent read of every service, retried until one succeeds. */
    public void finalReads() {
        Calls calls = new Calls();
        Random rnd = new Random(seed ^ 0x5eed);
        for (int k = 0; k < services; k++) {
            for (int attempt = 0; attempt < 60; attempt++) {
                Member m = cluster.member(rnd.nextInt(cluster.size()));
                if (read(calls, 999, m, service(k), "consistent").ok()) {
                    break;
                }
                sleep(500);
            }
        }
    }

    private void registrar(int p) {
        Calls calls = new Calls();
        Random rnd = new Random(seed * 31 + p);
        int seq = 0;
        while (running) {
            String service = service(rnd.nextInt(services));
            String id = "i" + p + "-" + (++seq);
            if (!register(calls, rnd, p, service, id)) {
                continue;
            }
            long lifetime = 3000 + rnd.nextInt(9000);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lifetime);
            long period = ttl.toMillis() / 4;
            while (running && System.nanoTime() < until) {
                sleep(period);
                Op hb = write(calls, p, Op.HEARTBEAT, pick(rnd), service, id, "PUT", "/heartbeat",
                        "{\"status\":\"passing\"}");
                if (hb.status() == 404) {
                    register(calls, rnd, p, service, id);
                }
            }
            if (!running) {
                return;
            }
            if (rnd.nextInt(10) < 7) {
                for (int attempt = 0; attempt < 5 && running; attempt++) {
                    Op del = write(calls, p, Op.DEREGISTER, pick(rnd), service, id, "DELETE", "", null);
                    if (del.ok() || del.status() == 404) {
                        break;
                    }
                    sleep(300);
                }
            }
            // Otherwise abandoned: no more heartbeats, so it must turn critical within the bound.
        }
    }

    /** Registers until acknowledged (a few attempts, any member); false if it never was. */
    private boolean register(Calls calls, Random rnd, int p, String service, String id) {
        String body = "{\"address\":\"10.99.0." + (1 + rnd.nextInt(250)) + "\",\"port\":" + (1024 + rnd.nextInt(60000))
                + ",\"check\":{\"ttl\":\"" + ttl.toMillis() + "ms\"}}";
        for (int attempt = 0; attempt < 4 && running; attempt++) {
            if (write(calls, p, Op.REGISTER, pick(rnd), service, id, "PUT", "", body).ok()) {
                return true;
            }
            sleep(300);
        }
        return false;
    }

    private Member pick(Random rnd) {
        return cluster.member(rnd.nextInt(cluster.size()));
    }

    private Op write(Calls calls, int p, String type, Member m, String service, String id, String method,
            String suffix, String body) {
        int epoch = m.epoch();
        long invoke = history.now();
        Calls.Result r = calls.send(method, m.httpAddress() + "/v1/services/" + service + "/instances/" + id + suffix,
                body, Duration.ofSeconds(5));
        Op op = new Op(history.nextId(), p, type, service, id, m.index(), epoch, "", invoke, history.now(),
                r.outcome(), r.status(), type.equals(Op.HEARTBEAT) ? -1 : r.index(), null, r.detail());
        history.add(op);
        return op;
    }

    private void reader(int p) {
        Calls calls = new Calls();
        Random rnd = new Random(seed * 17 + p);
        while (running) {
            read(calls, p, pick(rnd), service(rnd.nextInt(services)), MODES[rnd.nextInt(MODES.length)]);
            sleep(40 + rnd.nextInt(40));
        }
    }

    private Op read(Calls calls, int p, Member m, String service, String mode) {
        int epoch = m.epoch();
        long invoke = history.now();
        Calls.Result r = calls.send("GET", m.httpAddress() + "/v1/services/" + service + "?consistency=" + mode, null,
                Duration.ofSeconds(3));
        Map<String, String> observed = new HashMap<>();
        Outcome outcome = r.outcome();
        if (outcome == Outcome.OK) {
            JsonNode instances = r.body().map(b -> b.path("instances")).orElse(null);
            if (instances == null || !instances.isArray()) {
                outcome = Outcome.FAIL;
            } else {
                for (JsonNode i : instances) {
                    observed.put(i.path("id").asText(), i.path("status").asText());
                }
            }
        } else {
            // A read that failed changed nothing, whatever the reason.
            outcome = Outcome.FAIL;
        }
        Op op = new Op(history.nextId(), p, Op.READ, service, "", m.index(), epoch, mode, invoke, history.now(),
                outcome, r.status(), r.index(), observed, r.detail());
        history.add(op);
        return op;
    }

    private void observer() {
        Calls calls = new Calls();
        while (running) {
            for (Member m : cluster.members()) {
                if (!m.running() || m.paused()) {
                    continue;
                }
                long invoke = history.now();
                Calls.Result r = calls.send("GET", m.httpAddress() + "/v1/cluster", null, Duration.ofMillis(800));
                if (r.outcome() == Outcome.OK && r.body().isPresent() && !r.body().get().path("leader").isNull()) {
                    JsonNode b = r.body().get();
                    history.add(new Op(history.nextId(), 500, Op.CLUSTER, "", "", m.index(), m.epoch(), "", invoke,
                            history.now(), Outcome.OK, 200, -1, Map.of("leader", b.path("leader").asText(),
                                    "term", b.path("term").asText()), ""));
                }
            }
            sleep(300);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
