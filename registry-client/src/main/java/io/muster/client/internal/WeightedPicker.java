package io.muster.client.internal;

import io.muster.client.Endpoint;
import io.muster.client.Picker;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * At random in proportion to weight. A linear scan per pick: views are tens to hundreds of endpoints, and a
 * precomputed table would have to be rebuilt, and kept consistent, on every view change.
 */
public final class WeightedPicker implements Picker {

    private final RandomGenerator random;

    public WeightedPicker(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public Optional<Endpoint> pick(List<Endpoint> endpoints) {
        if (endpoints.isEmpty()) {
            return Optional.empty();
        }
        long total = 0;
        for (Endpoint e : endpoints) {
            total += e.weight();
        }
        RandomGenerator source = random == null ? ThreadLocalRandom.current() : random;
        long ticket = source.nextLong(total);
        for (Endpoint e : endpoints) {
            ticket -= e.weight();
            if (ticket < 0) {
                return Optional.of(e);
            }
        }
        throw new AssertionError("weights changed during a pick");
    }
}
