package io.muster.server.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * A loopback TCP listener that tests can stop (connections refused) and restart on the same port, handing each
 * accepted connection to a handler on its accept thread.
 *
 * <p>Two races make a "stopped" listener still connectable, both seen or reproduced here: a thread blocked in
 * accept() keeps the listening socket open in the kernel until it wakes, after close() has returned, so
 * {@link #stop()} waits for the accept thread to end; and a freed port in the ephemeral range can be handed to
 * another socket or picked as a client's own source port (a TCP self-connect), so the port stays bound (not
 * listening) for the listener's whole life.
 */
public final class LoopbackListener implements AutoCloseable {
    private final String name;
    private final Consumer<Socket> handler;
    private final SocketChannel holder;
    private final int port;
    private ServerSocket socket;
    private Thread acceptor;

    public LoopbackListener(String name, Consumer<Socket> handler) throws IOException {
        this.name = name;
        this.handler = handler;
        this.socket = listen(0);
        this.port = socket.getLocalPort();
        this.holder = SocketChannel.open();
        holder.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.acceptor = accept(socket);
    }

    public int port() {
        return port;
    }

    /** Stops listening; returns once connections to the port are refused. */
    public synchronized void stop() throws IOException {
        socket.close();
        try {
            acceptor.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopping " + name);
        }
        if (acceptor.isAlive()) {
            throw new IOException("accept thread of " + name + " still running 10 s after close");
        }
    }

    /** Listens again on the same port, if stopped. */
    public synchronized void restart() throws IOException {
        if (socket.isClosed()) {
            socket = listen(port);
            acceptor = accept(socket);
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        holder.close();
    }

    /** SO_REUSEPORT lets the listener and the {@link #holder} share the port. */
    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        return s;
    }

    private Thread accept(ServerSocket server) {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    handler.accept(server.accept());
                } catch (IOException e) {
                    // closed by stop(), or a failed accept: the loop condition decides
                }
            }
        }, name + "-accept-" + port);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
