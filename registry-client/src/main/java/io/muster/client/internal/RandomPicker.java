package io.muster.client.internal;

import io.muster.client.Endpoint;
import io.muster.client.Picker;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/** Uniformly at random; without a given generator, from {@link ThreadLocalRandom} so threads do not contend. */
public final class RandomPicker implements Picker {

    private final RandomGenerator random;

    public RandomPicker(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public Optional<Endpoint> pick(List<Endpoint> endpoints) {
        if (endpoints.isEmpty()) {
            return Optional.empty();
        }
        RandomGenerator source = random == null ? ThreadLocalRandom.current() : random;
        return Optional.of(endpoints.get(source.nextInt(endpoints.size())));
    }
}
