package io.muster.server;

import java.util.Arrays;
import java.util.List;

/** {@code muster server [flags]}: runs one member until SIGTERM, then shuts it down gracefully. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        preferPooledBuffers();
        List<String> list = Arrays.asList(args);
        if (!list.isEmpty() && list.get(0).equals("server")) {
            list = list.subList(1, list.size());
        }
        if (list.contains("--help") || list.contains("-h")) {
            System.out.print(ServerConfig.usage());
            return;
        }
        ServerConfig config;
        try {
            config = ServerConfig.parse(list, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("muster: " + e.getMessage());
            System.err.print(ServerConfig.usage());
            System.exit(2);
            return;
        }
        MusterServer server = new MusterServer(config);
        try {
            server.start();
        } catch (Exception e) {
            System.err.println("muster: could not start: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "muster-shutdown"));
    }

    /**
     * Netty 4.2's default (adaptive) allocator fell back to a new direct buffer for every UDP packet received here,
     * which capped one member at ~23k DNS queries/s; with Netty's pooled allocator the same member answers ~61k
     * (docs/dns.md). Must run before any Netty class loads; {@code -Dio.netty.allocator.type=...} still wins.
     */
    static void preferPooledBuffers() {
        if (System.getProperty(NETTY_ALLOCATOR) == null) {
            System.setProperty(NETTY_ALLOCATOR, "pooled");
        }
    }

    static final String NETTY_ALLOCATOR = "io.netty.allocator.type";
}
