package io.muster.server.client;

import io.muster.server.testing.LoopbackListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay in front of one member, so a test can cut a client off from the registry without touching
 * the client: {@link #cut()} drops every connection and refuses new ones, as a network partition or a frozen
 * process would look from the registry's side; {@link #restore()} listens again on the same port, which stays
 * reserved in between (bound, not listening) so that no other socket takes it.
 */
final class TcpProxy implements AutoCloseable {
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final LoopbackListener listener;
    private boolean held;

    TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            this.listener = new LoopbackListener("tcp-proxy", this::relay);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + listener.port();
    }

    /**
     * Stops listening, then drops the connections: once the listener has stopped no connection can be added, so
     * none survives the cut.
     */
    synchronized void cut() {
        try {
            listener.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    synchronized void restore() {
        try {
            listener.restart();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops relaying bytes but keeps every connection open, as a partition that drops packets without a reset
     * looks: what is sent meanwhile waits (in the proxy and the sockets' buffers) and arrives on {@link #release()},
     * as TCP retransmits would deliver it after a heal.
     */
    synchronized void hold() {
        held = true;
    }

    synchronized void release() {
        held = false;
        notifyAll();
    }

    private synchronized void awaitReleased() throws java.io.InterruptedIOException {
        while (held) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
        }
    }

    @Override
    public void close() {
        release();
        cut();
        closeQuietly(listener);
    }

    private void relay(Socket client) {
        try {
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            sockets.add(client);
            sockets.add(upstream);
            pipe(client, upstream);
            pipe(upstream, client);
        } catch (IOException e) {
            closeQuietly(client); // the member is down: the client sees its connection reset
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitReleased();
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort
        }
    }
}
