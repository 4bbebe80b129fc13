/**
 * The client's implementation; not API, may change in any release.
 *
 * <p>{@link io.muster.client.internal.HttpTransport} sends one request with failover and backoff;
 * {@link io.muster.client.internal.DefaultRegistrationHandle} runs a registration's heartbeat loop and
 * {@link io.muster.client.internal.DefaultServiceView} a view's blocking-query loop, both as chains of
 * asynchronous calls scheduled on the client's small scheduler, never holding a thread while they wait.
 * {@link io.muster.client.internal.WireFormat} reads and writes the registry's JSON;
 * {@link io.muster.client.internal.EndpointCache} persists views between runs.
 */
package io.muster.client.internal;
