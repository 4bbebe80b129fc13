package io.muster.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Muster through its HTTP API: one PUT registers, heartbeats renew the TTL, blocking queries watch. */
final class MusterRegistry implements Registry {
    private static final Pattern SEQ = Pattern.compile("\"seq\":\"(\\d+)\"");
    private static final Pattern LEADER = Pattern.compile("\"leader\":\"n(\\d+)\"");
    private static final Pattern ID = Pattern.compile("\"id\":\"inst-(\\d+)\"");

    private final LoadGenerator gen;
    private final String ttl;

    MusterRegistry(LoadGenerator gen, String ttl) {
        this.gen = gen;
        this.ttl = ttl;
    }

    @Override
    public String name() {
        return "muster";
    }

    static Buffer body(int i, String ttl) {
        String check = ttl == null ? "" : ",\"check\":{\"ttl\":\"" + ttl + "\"}";
        return Buffer.buffer("{\"address\":\"10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)
                + "\",\"port\":8080,\"tags\":[\"bench\"],\"metadata\":{\"version\":\"1.0.0\"}" + check + "}");
    }

    private static String instance(int service, int instance) {
        return "/v1/services/svc-" + service + "/instances/inst-" + instance;
    }

    private Future<Boolean> ok(int member, HttpMethod method, String path, Buffer body) {
        return gen.send(new LoadGenerator.Call(member, method, path, body)).map(status -> status == 200);
    }

    @Override
    public Future<Boolean> register(int member, int service, int instance) {
        return ok(member, HttpMethod.PUT, instance(service, instance), body(instance, ttl));
    }

    @Override
    public Future<Boolean> heartbeat(int member, int service, int instance) {
        return ok(member, HttpMethod.PUT, instance(service, instance) + "/heartbeat", null);
    }

    @Override
    public Future<Boolean> lookup(int member, int service, boolean linearizable) {
        return ok(member, HttpMethod.GET, "/v1/services/svc-" + service + "?consistency=" + (linearizable ? "consistent" : "stale"), null);
    }

    @Override
    public Future<Boolean> deregister(int member, int service, int instance) {
        return ok(member, HttpMethod.DELETE, instance(service, instance), null);
    }

    @Override
    public Future<Boolean> publish(int member, String service, int slot, long seq) {
        Buffer body = Buffer.buffer("{\"address\":\"10.9.9." + (slot + 1) + "\",\"port\":8080,\"metadata\":{\"seq\":\"" + seq + "\"}}");
        return ok(member, HttpMethod.PUT, "/v1/services/" + service + "/instances/p-" + slot, body);
    }

    @Override
    public void watch(int member, String service, LongConsumer seen) {
        park(member, service, 0, seen);
    }

    /** One blocking query after another, each from the index the last one answered (what the Java client does). */
    private void park(int member, String service, long index, LongConsumer seen) {
        gen.exchange(new LoadGenerator.Call(member, HttpMethod.GET,
                        "/v1/services/" + service + "?consistency=stale&index=" + index + "&wait=60s", null), "X-Muster-Index")
                .onComplete(ar -> {
                    long next = index;
                    if (ar.succeeded() && ar.result().status() == 200) {
                        Matcher m = SEQ.matcher(ar.result().body().toString());
                        while (m.find()) {
                            seen.accept(Long.parseLong(m.group(1)));
                        }
                        String header = ar.result().header();
                        next = header == null ? index : Long.parseLong(header);
                    }
                    long from = next;
                    if (ar.succeeded()) {
                        park(member, service, from, seen);
                    } else {
                        gen.vertx().setTimer(100, t -> park(member, service, from, seen));
                    }
                });
    }

    @Override
    public int leader() {
        for (int m = 0; m < gen.memberCount(); m++) {
            try {
                Matcher x = LEADER.matcher(gen.get(m, "/v1/cluster"));
                if (x.find()) {
                    return Integer.parseInt(x.group(1)) - 1;
                }
            } catch (RuntimeException e) {
                // this member does not answer: ask the next one
            }
        }
        return -1;
    }

    @Override
    public java.util.Set<Integer> present(int member, String service) {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        Matcher m = ID.matcher(gen.untilOk(new LoadGenerator.Call(member, HttpMethod.GET,
                "/v1/services/" + service + "?consistency=consistent", null)));
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }
}
