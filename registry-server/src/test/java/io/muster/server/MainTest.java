package io.muster.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The launcher picks Netty's pooled buffers unless the operator chose an allocator. */
class MainTest {
    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(Main.NETTY_ALLOCATOR);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(Main.NETTY_ALLOCATOR);
        } else {
            System.setProperty(Main.NETTY_ALLOCATOR, before);
        }
    }

    @Test
    void pooledBuffersUnlessChosenOtherwise() {
        System.clearProperty(Main.NETTY_ALLOCATOR);
        Main.preferPooledBuffers();
        assertEquals("pooled", System.getProperty(Main.NETTY_ALLOCATOR));

        System.setProperty(Main.NETTY_ALLOCATOR, "adaptive");
        Main.preferPooledBuffers();
        assertEquals("adaptive", System.getProperty(Main.NETTY_ALLOCATOR));
    }
}
