package io.muster.server.dns;

/** How a query arrived; it sets the largest answer and tags the metrics. */
enum Transport {
    UDP("udp"), TCP("tcp");

    final String tag;

    Transport(String tag) {
        this.tag = tag;
    }
}
