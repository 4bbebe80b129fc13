package io.muster.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * etcd v3 through its JSON gateway, used as etcd-based discovery uses it: an instance is a key under its service's
 * prefix bound to a lease (grant + put, two requests and two log entries), liveness is the lease's keepalive
 * (answered from the leader's memory), a lookup is a range over the prefix (serializable for a member-local read),
 * and a watch is a stream over the prefix.
 */
final class EtcdRegistry implements Registry {
    private static final Pattern LEASE_ID = Pattern.compile("\"ID\":\"?(\\d+)");
    private static final Pattern VALUE = Pattern.compile("\"value\":\"([A-Za-z0-9+/=]+)\"");
    private static final Pattern SEQ = Pattern.compile("\"seq\":\"(\\d+)\"");
    private static final Pattern LEADER = Pattern.compile("\"leader\":\"(\\d+)\"");
    private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\":\"(\\d+)\"");
    private static final Pattern KEY = Pattern.compile("\"key\":\"([A-Za-z0-9+/=]+)\"");
    private static final Pattern INSTANCE = Pattern.compile("/inst-(\\d+)$");

    private final LoadGenerator gen;
    private final long ttlSeconds;
    private final Map<Integer, Long> leases = new ConcurrentHashMap<>();

    EtcdRegistry(LoadGenerator gen, long ttlSeconds) {
        this.gen = gen;
        this.ttlSeconds = ttlSeconds;
    }

    @Override
    public String name() {
        return "etcd";
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String prefix(String service) {
        return "/services/" + service + "/";
    }

    /** The key just past every key with this prefix (etcd's range_end for a prefix). */
    private static String prefixEnd(String prefix) {
        return prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
    }

    private Future<LoadGenerator.Reply> post(int member, String path, String json) {
        return gen.exchange(new LoadGenerator.Call(member, HttpMethod.POST, path, Buffer.buffer(json)));
    }

    private Future<Boolean> ok(int member, String path, String json) {
        return post(member, path, json).map(r -> r.status() == 200 && !r.body().toString().contains("\"error\""));
    }

    @Override
    public Future<Boolean> register(int member, int service, int instance) {
        String key = prefix("svc-" + service) + "inst-" + instance;
        String value = MusterRegistry.body(instance, null).toString();
        return post(member, "/v3/lease/grant", "{\"TTL\":" + ttlSeconds + "}").compose(grant -> {
            Matcher m = LEASE_ID.matcher(grant.body().toString());
            if (grant.status() != 200 || !m.find()) {
                return Future.succeededFuture(false);
            }
            long lease = Long.parseLong(m.group(1));
            leases.put(instance, lease);
            return ok(member, "/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\",\"lease\":\"" + lease + "\"}");
        });
    }

    @Override
    public Future<Boolean> heartbeat(int member, int service, int instance) {
        // The gateway answers a one-message keepalive stream with the renewed TTL; a lost lease answers without one.
        return post(member, "/v3/lease/keepalive", "{\"ID\":\"" + leases.getOrDefault(instance, 0L) + "\"}")
                .map(r -> r.status() == 200 && r.body().toString().contains("\"TTL\""));
    }

    @Override
    public Future<Boolean> lookup(int member, int service, boolean linearizable) {
        String p = prefix("svc-" + service);
        return ok(member, "/v3/kv/range", "{\"key\":\"" + b64(p) + "\",\"range_end\":\"" + b64(prefixEnd(p))
                + "\",\"serializable\":" + !linearizable + "}");
    }

    @Override
    public Future<Boolean> deregister(int member, int service, int instance) {
        return ok(member, "/v3/kv/deleterange", "{\"key\":\"" + b64(prefix("svc-" + service) + "inst-" + instance) + "\"}");
    }

    @Override
    public Future<Boolean> publish(int member, String service, int slot, long seq) {
        String value = "{\"address\":\"10.9.9." + (slot + 1) + "\",\"port\":8080,\"metadata\":{\"seq\":\"" + seq + "\"}}";
        return ok(member, "/v3/kv/put", "{\"key\":\"" + b64(prefix(service) + "p-" + slot) + "\",\"value\":\"" + b64(value) + "\"}");
    }

    @Override
    public void watch(int member, String service, LongConsumer seen) {
        String p = prefix(service);
        StringBuilder pending = new StringBuilder();
        gen.stream(new LoadGenerator.Call(member, HttpMethod.POST, "/v3/watch", Buffer.buffer(
                "{\"create_request\":{\"key\":\"" + b64(p) + "\",\"range_end\":\"" + b64(prefixEnd(p)) + "\"}}")), chunk -> {
            // The gateway streams one JSON object per line; a chunk may end inside one.
            pending.append(chunk.toString());
            int nl;
            while ((nl = pending.indexOf("\n")) >= 0) {
                Matcher v = VALUE.matcher(pending.substring(0, nl));
                while (v.find()) {
                    Matcher s = SEQ.matcher(new String(Base64.getDecoder().decode(v.group(1)), StandardCharsets.UTF_8));
                    if (s.find()) {
                        seen.accept(Long.parseLong(s.group(1)));
                    }
                }
                pending.delete(0, nl + 1);
            }
        });
    }

    @Override
    public int leader() {
        for (int m = 0; m < gen.memberCount(); m++) {
            try {
                String status = post(m, "/v3/maintenance/status", "{}").toCompletionStage().toCompletableFuture().join().body().toString();
                Matcher leader = LEADER.matcher(status);
                Matcher self = MEMBER_ID.matcher(status);
                if (leader.find() && self.find() && leader.group(1).equals(self.group(1))) {
                    return m;
                }
            } catch (RuntimeException e) {
                // this member does not answer: ask the next one
            }
        }
        return -1;
    }

    @Override
    public java.util.Set<Integer> present(int member, String service) {
        String p = prefix(service);
        String body = gen.untilOk(new LoadGenerator.Call(member, HttpMethod.POST, "/v3/kv/range", Buffer.buffer(
                "{\"key\":\"" + b64(p) + "\",\"range_end\":\"" + b64(prefixEnd(p)) + "\",\"keys_only\":true}")));
        java.util.Set<Integer> out = new java.util.HashSet<>();
        Matcher k = KEY.matcher(body);
        while (k.find()) {
            Matcher i = INSTANCE.matcher(new String(Base64.getDecoder().decode(k.group(1)), StandardCharsets.UTF_8));
            if (i.find()) {
                out.add(Integer.parseInt(i.group(1)));
            }
        }
        return out;
    }
}
