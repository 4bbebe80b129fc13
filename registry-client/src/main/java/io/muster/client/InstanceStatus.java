package io.muster.client;

import java.util.Locale;

/** The health an instance reports in its heartbeats (contract "Status values"). */
public enum InstanceStatus {
    PASSING, WARNING, CRITICAL;

    /** As the API spells it: {@code passing}, {@code warning}, {@code critical}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
