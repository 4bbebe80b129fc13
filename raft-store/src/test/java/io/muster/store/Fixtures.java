package io.muster.store;

import io.muster.store.catalog.Catalog;
import io.muster.store.command.Command;
import io.muster.store.command.Entry;
import io.muster.store.command.Result;
import io.muster.store.model.Check;
import io.muster.store.model.Instance;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.ServiceEntry;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Specs, entries and a small driver shared by the raft-store tests. Times are fixed epoch ms, never a clock. */
public final class Fixtures {
    /** 2023-11-14T22:13:20Z: an arbitrary, fixed leader time. */
    public static final long T0 = 1_700_000_000_000L;

    private Fixtures() {
    }

    public static InstanceSpec ttlSpec(String address, int port) {
        return new InstanceSpec(address, port, List.of("primary"), Map.of("version", "2.1.0"), 10,
                new Check.Ttl(Duration.ofSeconds(10), Duration.ofMinutes(5)));
    }

    public static InstanceSpec httpSpec(String address, int port) {
        return new InstanceSpec(address, port, List.of(), Map.of(), 1,
                new Check.Http("http://" + address + ":" + port + "/health", Duration.ofSeconds(5), Duration.ofSeconds(1), null));
    }

    public static InstanceSpec tcpSpec(String address, int port) {
        return new InstanceSpec(address, port, List.of(), Map.of(), 1,
                new Check.Tcp(address + ":" + port, Duration.ofSeconds(5), Duration.ofSeconds(1), null));
    }

    public static InstanceSpec noCheckSpec(String address, int port) {
        return new InstanceSpec(address, port, List.of(), Map.of(), 1, null);
    }

    public static Entry entry(long time, Command... commands) {
        return new Entry(time, List.of(commands));
    }

    /** Applies one-command entries at consecutive indexes, like a log would. */
    public static final class Log {
        private final Catalog catalog;
        private long index;

        public Log(Catalog catalog) {
            this.catalog = catalog;
        }

        public Log() {
            this(new Catalog());
        }

        public Catalog catalog() {
            return catalog;
        }

        public long lastIndex() {
            return index;
        }

        /** Applies {@code commands} as one entry at the next index with leader time {@code time}. */
        public List<Result> apply(long time, Command... commands) {
            index++;
            return catalog.apply(index, entry(time, commands));
        }

        /** Applies one command at the next index and returns its result code. */
        public Result.Code one(long time, Command command) {
            return apply(time, command).get(0).code();
        }

        public void skip() {
            index++;
            catalog.skip(index);
        }
    }

    public static Instance instance(Catalog catalog, String service, String id) {
        return catalog.service(service)
                .map(e -> e.instances().get(id))
                .orElseThrow(() -> new AssertionError("no instance " + service + "/" + id));
    }

    public static long serviceIndex(Catalog catalog, String service) {
        return catalog.indexOf(service);
    }
}
