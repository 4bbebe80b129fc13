package io.muster.server.dns;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * One DNS-over-TCP connection (RFC 7766): each message is preceded by its length in two bytes. Messages may
 * arrive split across reads or several in one; they are answered in order. A length under a header's size
 * cannot be answered and is skipped. When the peer stops reading, answering and reading stop too, so a slow
 * client cannot make answers pile up in memory. Runs on the connection's event loop only.
 */
final class DnsTcpConnection {
    private static final int HEADER_BYTES = 12;

    private final NetSocket socket;
    private final DnsResponder responder;
    private final DnsMetrics metrics;
    private Buffer pending = Buffer.buffer();

    DnsTcpConnection(NetSocket socket, DnsResponder responder, DnsMetrics metrics) {
        this.socket = socket;
        this.responder = responder;
        this.metrics = metrics;
    }

    void start() {
        socket.handler(this::received);
        socket.drainHandler(v -> {
            socket.resume();
            answerPending();
        });
        socket.exceptionHandler(e -> socket.close());
    }

    private void received(Buffer chunk) {
        pending.appendBuffer(chunk);
        answerPending();
    }

    /**
     * Answers the complete messages buffered, until the peer stops reading: one read can hold thousands of small
     * queries, each of which may ask for a large answer, so answering them all at once would turn 64 KiB of
     * input into megabytes of queued output.
     */
    private void answerPending() {
        int pos = 0;
        while (pending.length() - pos >= 2) {
            if (socket.writeQueueFull()) {
                socket.pause();
                break;
            }
            int length = pending.getUnsignedShort(pos);
            if (pending.length() - pos - 2 < length) {
                break;
            }
            byte[] message = pending.getBytes(pos + 2, pos + 2 + length);
            pos += 2 + length;
            if (length < HEADER_BYTES) {
                metrics.dropped(Transport.TCP);
                continue;
            }
            responder.respond(message, Transport.TCP).ifPresent(this::send);
        }
        if (pos > 0) {
            pending = pos == pending.length() ? Buffer.buffer() : pending.getBuffer(pos, pending.length());
        }
    }

    private void send(byte[] response) {
        socket.write(Buffer.buffer(response.length + 2).appendUnsignedShort(response.length).appendBytes(response));
    }
}
