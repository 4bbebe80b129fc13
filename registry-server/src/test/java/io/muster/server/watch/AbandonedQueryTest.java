package io.muster.server.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.muster.server.testing.TestCluster;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that opens a five-minute blocking query and hangs up must not leave it parked: otherwise opening and
 * dropping connections in a loop would pile waiters up for minutes (design rule 11).
 */
class AbandonedQueryTest {
    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private double parked(int member) {
        for (String line : cluster.get(member, "/metrics").body().split("\n")) {
            if (line.startsWith("muster_blocking_queries ")) {
                return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        throw new AssertionError("no muster_blocking_queries gauge");
    }

    @Test
    void aQueryWhoseClientHangsUpIsUnparked() throws Exception {
        cluster = new TestCluster(3).start();
        int member = cluster.anyFollower();
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Socket s = new Socket("127.0.0.1", cluster.ports(member).http());
            OutputStream out = s.getOutputStream();
            out.write(("GET /v1/services/quiet?index=0&wait=5m&consistency=stale HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            sockets.add(s);
        }
        TestCluster.await("20 parked", Duration.ofSeconds(20), () -> parked(member) == 20);
        for (Socket s : sockets) {
            s.close();
        }
        TestCluster.await("all unparked after the clients left", Duration.ofSeconds(20), () -> parked(member) == 0);
        assertEquals(0, parked(member));
    }
}
