/**
 * The Muster client: register a service instance and keep it alive, and hold live, failure-tolerant views of
 * other services' healthy endpoints.
 *
 * <p>Start with {@link io.muster.client.MusterClient#builder()}. A {@link io.muster.client.MusterClient} hands out
 * {@link io.muster.client.RegistrationHandle}s (one per registered instance, heartbeating in the background) and
 * {@link io.muster.client.ServiceView}s (a local copy of a service's healthy endpoints, kept current with blocking
 * queries), and closes everything it handed out when it is closed. {@link io.muster.client.Picker} chooses one
 * endpoint per call; {@link io.muster.client.RetryPolicy} shapes backoff between failed calls.
 *
 * <p>Only this package is API. {@code io.muster.client.internal} holds the implementation and may change in any
 * release.
 */
package io.muster.client;
