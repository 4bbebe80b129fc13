package io.muster.client.internal;

import io.muster.client.Endpoint;
import io.muster.client.Picker;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Each endpoint in turn; lock-free, so concurrent callers each get the next one. */
public final class RoundRobinPicker implements Picker {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Optional<Endpoint> pick(List<Endpoint> endpoints) {
        if (endpoints.isEmpty()) {
            return Optional.empty();
        }
        // floorMod keeps the rotation going when the counter wraps past Integer.MAX_VALUE.
        return Optional.of(endpoints.get(Math.floorMod(next.getAndIncrement(), endpoints.size())));
    }
}
