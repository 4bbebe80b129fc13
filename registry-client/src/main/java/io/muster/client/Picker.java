package io.muster.client;

import io.muster.client.internal.RandomPicker;
import io.muster.client.internal.RoundRobinPicker;
import io.muster.client.internal.WeightedPicker;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Chooses one endpoint out of a view's current list, once per outgoing call. The built-in pickers are
 * thread-safe; share one per view rather than creating one per call, or round robin cannot rotate.
 */
@FunctionalInterface
public interface Picker {

    /** Chooses one of {@code endpoints}; empty only when {@code endpoints} is. */
    Optional<Endpoint> pick(List<Endpoint> endpoints);

    /** Each endpoint in turn. Views keep their endpoints sorted by id, so the rotation survives updates. */
    static Picker roundRobin() {
        return new RoundRobinPicker();
    }

    /** Uniformly at random. */
    static Picker random() {
        return new RandomPicker(null);
    }

    /** Uniformly at random from {@code random}, which must be thread-safe if the picker is shared. */
    static Picker random(RandomGenerator random) {
        return new RandomPicker(random);
    }

    /** At random, each endpoint in proportion to its {@link Endpoint#weight()}. */
    static Picker weighted() {
        return new WeightedPicker(null);
    }

    /** As {@link #weighted()}, drawing from {@code random}, which must be thread-safe if the picker is shared. */
    static Picker weighted(RandomGenerator random) {
        return new WeightedPicker(random);
    }
}
