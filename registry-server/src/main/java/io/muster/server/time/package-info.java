/** Time as the server measures durations: a monotonic {@link io.muster.server.time.Ticker}, injectable for tests. */
package io.muster.server.time;
