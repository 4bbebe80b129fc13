package io.muster.server.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP listener that misbehaves below HTTP: it accepts and then holds the connection forever, resets it, or
 * answers random bytes; or it answers a minimal HTTP 200. With {@link Mode#ACCEPT} it is a plain TCP check target; {@link #stop()} and
 * {@link #restart()} take it down and bring it back on the same port, which stays reserved in between.
 */
final class RawTarget implements AutoCloseable {
    enum Mode { ACCEPT, HTTP_OK, HANG, RESET, GARBAGE }

    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private volatile Mode mode;
    private volatile ServerSocket socket;
    /**
     * Bound, never listening, for the target's whole life: while the listener is stopped the port must stay ours.
     * A freed port in the ephemeral range can be handed to another socket, or picked as the probe's own source
     * port (a TCP self-connect), and a connect that should be refused then succeeds.
     */
    private final SocketChannel holder;
    private final int port;
    private volatile Thread acceptor;
    private volatile boolean closed;

    RawTarget(Mode mode) throws IOException {
        this.mode = mode;
        this.socket = listen(0);
        this.port = socket.getLocalPort();
        this.holder = SocketChannel.open();
        holder.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.acceptor = accept(socket);
    }

    int port() {
        return port;
    }

    String hostPort() {
        return "127.0.0.1:" + port;
    }

    void mode(Mode m) {
        mode = m;
    }

    /** Stops listening: connections to the port are refused. */
    void stop() throws IOException {
        socket.close();
        awaitAcceptorGone();
        for (Socket s : held) {
            s.close();
        }
        held.clear();
    }

    /**
     * A thread blocked in accept() holds the listening socket open in the kernel until it is woken: close()
     * returns before that, and a connect in between is still accepted (seen in CI as a "refused" probe passing).
     */
    private void awaitAcceptorGone() throws IOException {
        try {
            acceptor.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("stopping the target");
        }
        if (acceptor.isAlive()) {
            throw new IOException("accept thread of port " + port + " still running 10 s after close");
        }
    }

    /** Listens again on the same port. */
    void restart() throws IOException {
        ServerSocket s = listen(port);
        socket = s;
        acceptor = accept(s);
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
            while (!closed && !server.isClosed()) {
                try {
                    Socket c = server.accept();
                    serve(c);
                } catch (IOException e) {
                    return;
                }
            }
        }, "raw-target-" + port);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void serve(Socket c) {
        Thread t = new Thread(() -> {
            try {
                switch (mode) {
                    case ACCEPT -> c.close();
                    case HTTP_OK -> {
                        readSome(c);
                        OutputStream out = c.getOutputStream();
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.flush();
                        c.close();
                    }
                    case HANG -> held.add(c);
                    case RESET -> {
                        readSome(c);
                        c.setSoLinger(true, 0);
                        c.close();
                    }
                    case GARBAGE -> {
                        readSome(c);
                        byte[] junk = new byte[64 * 1024];
                        new Random().nextBytes(junk);
                        OutputStream out = c.getOutputStream();
                        out.write(junk);
                        out.flush();
                        c.close();
                    }
                }
            } catch (IOException e) {
                // the probe went away first: fine
            }
        }, "raw-target-conn");
        t.setDaemon(true);
        t.start();
    }

    private static void readSome(Socket c) throws IOException {
        c.setSoTimeout(2000);
        InputStream in = c.getInputStream();
        try {
            in.read(new byte[4096]);
        } catch (SocketException | java.net.SocketTimeoutException e) {
            // nothing sent: go on
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        stop();
        holder.close();
    }
}
