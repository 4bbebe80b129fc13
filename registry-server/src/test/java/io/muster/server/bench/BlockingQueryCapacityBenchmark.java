package io.muster.server.bench;

import io.muster.server.testing.TestCluster;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How many blocking queries one member holds, and what a change costs with that many parked: N raw HTTP/1.1
 * connections (plain NIO sockets, a few hundred bytes each on the generator's side, so the figures are the
 * server's) each park {@code GET /v1/services/hot?index=I&wait=5m} on one follower. Then a change to another
 * service must wake none of them, and a change to {@code hot} must wake them all; the time from sending the write
 * to the last connection's first byte is the wake-all time. Prints figures; asserts no speed.
 *
 * <p>{@code -Dmuster.bench.waiters=1000,4000,8000}; {@code -Dmuster.bench.on=follower} (or {@code leader}). Each waiter takes two file descriptors in this JVM (both ends
 * of the connection), so the largest N must fit in {@code ulimit -n}.
 */
@Tag("benchmark")
class BlockingQueryCapacityBenchmark {

    @Test
    void oneMemberHoldsThousandsOfBlockingQueries() throws Exception {
        int[] sizes = Arrays.stream(System.getProperty("muster.bench.waiters", "1000,4000,8000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        BenchReport out = new BenchReport("blocking-capacity");
        out.line("# blocking-query capacity on one %s: %s waiters", System.getProperty("muster.bench.on", "follower"),
                Arrays.toString(sizes));
        out.line("load average before: %s, cores: %d, max heap %d MiB, open fds %d, fd limit %s",
                BenchReport.loadAverage(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, openFds(), fdLimit());
        try (TestCluster cluster = new TestCluster(3).start()) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            int member = System.getProperty("muster.bench.on", "follower").equals("leader") ? leader : cluster.anyFollower();
            for (int n : sizes) {
                round(cluster, member, leader, n, out);
            }
        }
        out.line("load average after: %s", BenchReport.loadAverage());
    }

    private void round(TestCluster cluster, int member, int leader, int n, BenchReport out) throws Exception {
        String tag = "n" + n;
        long hotIndex = write(cluster, leader, "PUT", "/v1/services/hot-" + tag + "/instances/h0");
        write(cluster, leader, "PUT", "/v1/services/cold-" + tag + "/instances/c0");
        TestCluster.await("follower caught up", Duration.ofSeconds(30),
                () -> index(cluster, member, "/v1/services/hot-" + tag + "?consistency=stale") >= hotIndex);
        int base = parked(cluster, member);
        settle();
        long heapBefore = usedHeap();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        double cpuBefore = BenchReport.cpuSeconds();

        byte[] request = ("GET /v1/services/hot-" + tag + "?index=" + hotIndex + "&wait=5m&consistency=stale HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", cluster.ports(member).http());
        List<SocketChannel> channels = new ArrayList<>(n);
        long[] firstByte = new long[n];
        Selector selector = Selector.open();
        try {
            long parkStart = System.nanoTime();
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open(target);
                ch.write(ByteBuffer.wrap(request));
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ, i);
                channels.add(ch);
            }
            TestCluster.await(n + " parked", Duration.ofSeconds(120), () -> parked(cluster, member) >= base + n);
            double parkMs = (System.nanoTime() - parkStart) / 1e6;
            double parkCpu = BenchReport.cpuSeconds() - cpuBefore;
            settle();
            long heapParked = usedHeap();
            int threadsParked = ManagementFactory.getThreadMXBean().getThreadCount();

            // A change to another service: nobody may wake.
            write(cluster, leader, "PUT", "/v1/services/cold-" + tag + "/instances/c1");
            int wokenByCold = drain(selector, firstByte, 2000);
            int stillParked = parked(cluster, member) - base;

            // A change to the watched service: everybody must wake.
            double cpuWake = BenchReport.cpuSeconds();
            // Timed from the moment the write is sent: on the leader, waiters wake before the writer has its answer.
            // The write goes from another thread so that this one reads answers as they come, even before the ack.
            long sent = System.nanoTime();
            var ack = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                write(cluster, leader, "PUT", "/v1/services/hot-" + tag + "/instances/h1");
                return System.nanoTime();
            });
            int woken = 0;
            long deadline = sent + Duration.ofSeconds(60).toNanos();
            while (woken < n && System.nanoTime() < deadline) {
                woken += drain(selector, firstByte, 100);
            }
            long acked = ack.get(60, java.util.concurrent.TimeUnit.SECONDS);
            double wakeCpu = BenchReport.cpuSeconds() - cpuWake;
            double[] wakeMs = Arrays.stream(firstByte).filter(t -> t != 0).mapToDouble(t -> (t - sent) / 1e6).toArray();

            out.line("## %d waiters on member %d (leader %d)", n, member, leader);
            out.line("parked all in %.0f ms (%.1f CPU s, whole JVM); fds open now %d", parkMs, parkCpu, openFds());
            out.line("heap after GC: %.1f MiB -> %.1f MiB with all parked (+%.0f bytes per waiter, server and generator together)",
                    heapBefore / 1048576.0, heapParked / 1048576.0, (heapParked - heapBefore) / (double) n);
            out.line("JVM threads: %d -> %d with all parked", threadsBefore, threadsParked);
            out.line("change to another service: %d woken, %d still parked (of %d)", wokenByCold, stillParked, n);
            out.line("change to the watched service: %d of %d woken; write sent -> first byte %s (write acknowledged "
                    + "after %.1f ms); %.2f CPU s", woken, n, BenchReport.summary(wakeMs), (acked - sent) / 1e6, wakeCpu);
        } finally {
            for (SocketChannel ch : channels) {
                ch.close();
            }
            selector.close();
        }
    }

    /** Reads whatever arrived within {@code waitMs}; returns how many connections got their first bytes. */
    private static int drain(Selector selector, long[] firstByte, long waitMs) throws IOException {
        int fresh = 0;
        long end = System.nanoTime() + waitMs * 1_000_000;
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (System.nanoTime() < end) {
            if (selector.select(Math.max(1, (end - System.nanoTime()) / 1_000_000)) == 0) {
                continue;
            }
            long now = System.nanoTime();
            var it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                int i = (Integer) key.attachment();
                buffer.clear();
                int read;
                try {
                    read = ((SocketChannel) key.channel()).read(buffer);
                } catch (IOException e) {
                    read = -1;
                }
                if (firstByte[i] == 0 && read != 0) {
                    firstByte[i] = now;
                    fresh++;
                    if (read > 0 && !new String(buffer.array(), 0, Math.min(read, 12), StandardCharsets.US_ASCII)
                            .startsWith("HTTP/1.1 200")) {
                        throw new AssertionError("unexpected answer: " + new String(buffer.array(), 0, read, StandardCharsets.US_ASCII));
                    }
                }
                if (read < 0) {
                    key.cancel();
                }
            }
            if (fresh > 0 && waitMs <= 100) {
                return fresh;
            }
        }
        return fresh;
    }

    private static long write(TestCluster cluster, int leader, String method, String path) {
        HttpResponse<String> r = cluster.send(method, leader, path, "{\"address\":\"10.0.0.1\",\"port\":80}");
        if (r.statusCode() != 200) {
            throw new AssertionError(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return Long.parseLong(r.body().replaceAll("\\D+", ""));
    }

    private static long index(TestCluster cluster, int member, String path) {
        return Long.parseLong(cluster.get(member, path).headers().firstValue("X-Muster-Index").orElse("0"));
    }

    private static int parked(TestCluster cluster, int member) {
        return (int) cluster.server(member).meters().get("muster_blocking_queries").gauge().value();
    }

    private static void settle() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            TestCluster.sleep(200);
        }
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String fdLimit() {
        try {
            return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
                    .map(l -> l.replaceAll("\\s+", " ").replace("Max open files ", "")).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
