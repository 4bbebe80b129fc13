package io.muster.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muster.store.model.Instance;
import io.muster.store.model.InstanceSpec;
import io.muster.store.model.ServiceEntry;
import io.muster.store.model.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RenderedServicesTest {
    private final AtomicInteger renders = new AtomicInteger();

    private byte[] render(Map<String, Object> body) {
        renders.incrementAndGet();
        return Replies.encode(body);
    }

    private static ServiceEntry service(long index, Instance... instances) {
        TreeMap<String, Instance> map = new TreeMap<>();
        for (Instance i : instances) {
            map.put(i.id(), i);
        }
        return new ServiceEntry("web", index, map);
    }

    private static Instance instance(String id, Status status, String... tags) {
        return new Instance(id, new InstanceSpec("10.0.0.1", 80, List.of(tags), Map.of(), 1, null), status, "", 1, 1);
    }

    private static RenderedServices.Filter all() {
        return new RenderedServices.Filter("web", false, false, List.of());
    }

    @Test
    void anUnchangedServiceIsRenderedOncePerFilter() {
        RenderedServices cache = new RenderedServices(1 << 20);
        ServiceEntry web = service(5, instance("a", Status.PASSING));

        byte[] first = cache.answer(all(), web, this::render);
        byte[] second = cache.answer(all(), web, this::render);

        assertSame(first, second);
        assertEquals(1, renders.get());
    }

    @Test
    void aChangedServiceIsRenderedAgain() {
        RenderedServices cache = new RenderedServices(1 << 20);
        byte[] before = cache.answer(all(), service(5, instance("a", Status.PASSING)), this::render);
        byte[] after = cache.answer(all(), service(6, instance("a", Status.CRITICAL)), this::render);

        assertNotSame(before, after);
        assertTrue(new String(after, StandardCharsets.UTF_8).contains("\"critical\""));
        assertTrue(new String(after, StandardCharsets.UTF_8).contains("\"index\":6"));
    }

    @Test
    void filtersSelectInstancesAndAreCachedApart() {
        RenderedServices cache = new RenderedServices(1 << 20);
        ServiceEntry web = service(7, instance("p", Status.PASSING, "blue"), instance("w", Status.WARNING),
                instance("c", Status.CRITICAL, "blue"));

        String healthy = new String(cache.answer(new RenderedServices.Filter("web", true, false, List.of()), web, this::render));
        String warning = new String(cache.answer(new RenderedServices.Filter("web", true, true, List.of()), web, this::render));
        String blue = new String(cache.answer(new RenderedServices.Filter("web", false, false, List.of("blue")), web, this::render));

        assertEquals(List.of("p"), ids(healthy));
        assertEquals(List.of("p", "w"), ids(warning));
        assertEquals(List.of("c", "p"), ids(blue));
        assertEquals(3, renders.get());
    }

    @Test
    void renderingsBeyondTheByteBudgetAreDroppedOldestFirst() {
        ServiceEntry web = service(9, instance("a", Status.PASSING));
        int body = Replies.encode(Map.of("service", "web", "index", 9, "instances", List.of())).length;
        int size = body + 256 + 2 * ("web".length() + "t0".length());
        RenderedServices cache = new RenderedServices(3L * size);
        for (int n = 0; n < 10; n++) {
            cache.answer(new RenderedServices.Filter("web", false, false, List.of("t" + n)), web, this::render);
        }
        renders.set(0);

        cache.answer(new RenderedServices.Filter("web", false, false, List.of("t9")), web, this::render);
        cache.answer(new RenderedServices.Filter("web", false, false, List.of("t0")), web, this::render);

        assertEquals(1, renders.get(), "the newest filter is still cached, the oldest was dropped");
    }

    private static List<String> ids(String json) {
        return java.util.regex.Pattern.compile("\"id\":\"([a-z])\"").matcher(json).results().map(m -> m.group(1)).toList();
    }

    @Test
    void servicesThatDoNotExistAreNotCached() {
        RenderedServices cache = new RenderedServices(1 << 20);
        ServiceEntry none = ServiceEntry.empty("ghost");
        cache.answer(new RenderedServices.Filter("ghost", false, false, List.of()), none, this::render);
        cache.answer(new RenderedServices.Filter("ghost", false, false, List.of()), none, this::render);
        assertEquals(2, renders.get());
    }
}
