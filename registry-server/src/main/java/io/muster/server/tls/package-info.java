/**
 * TLS settings of a member's HTTP API, read from PEM files and checked at startup. Mutual TLS on the Raft port lives
 * with the Raft code ({@code io.muster.store.raft.RaftTls}); both read their files with {@code io.muster.store.tls.PemFiles}.
 */
package io.muster.server.tls;
