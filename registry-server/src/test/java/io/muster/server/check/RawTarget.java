package io.muster.server.check;

import io.muster.server.testing.LoopbackListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
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
    private final LoopbackListener listener;

    RawTarget(Mode mode) throws IOException {
        this.mode = mode;
        this.listener = new LoopbackListener("raw-target", this::serve);
    }

    int port() {
        return listener.port();
    }

    String hostPort() {
        return "127.0.0.1:" + port();
    }

    void mode(Mode m) {
        mode = m;
    }

    /** Stops listening: connections to the port are refused once this returns. */
    void stop() throws IOException {
        listener.stop();
        for (Socket s : held) {
            s.close();
        }
        held.clear();
    }

    /** Listens again on the same port. */
    void restart() throws IOException {
        listener.restart();
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
        stop();
        listener.close();
    }
}
