package io.muster.client;

/**
 * Told of every change to a {@link ServiceView}: new endpoints, protection entered, contact lost or regained.
 *
 * <p>Runs on one of the client's threads, one event at a time per view and in order. It must return quickly and
 * must not block on the client (for example call {@link MusterClient#register}); an exception it throws is
 * logged and otherwise ignored.
 */
@FunctionalInterface
public interface ServiceViewListener {

    void onEvent(ServiceViewEvent event);
}
