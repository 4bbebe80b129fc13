package io.muster.store.model;

/** Addresses a cluster member publishes about itself, so every node can answer {@code GET /v1/cluster}. */
public record Member(String id, String httpAddress, String dnsAddress) {
}
