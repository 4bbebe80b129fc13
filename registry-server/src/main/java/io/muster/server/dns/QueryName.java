package io.muster.server.dns;

import java.util.Optional;

/** What a question's name refers to, once read against the served domain. Case is already folded. */
sealed interface QueryName {
    QueryName OUT_OF_ZONE = new OutOfZone();
    QueryName APEX = new Apex();
    QueryName NAME_SERVER = new NameServer();
    QueryName EMPTY_NON_TERMINAL = new EmptyNonTerminal();
    QueryName UNKNOWN = new Unknown();

    /** Not under the served domain: this server is authoritative for nothing there. */
    record OutOfZone() implements QueryName {
    }

    /** The domain itself: SOA and NS. */
    record Apex() implements QueryName {
    }

    /** {@code ns.<domain>}, the name the SOA and NS records point at. */
    record NameServer() implements QueryName {
    }

    /** {@code service.<domain>} or {@code addr.<domain>}: names that exist only because names below them do. */
    record EmptyNonTerminal() implements QueryName {
    }

    /** Under the domain, but nothing is or can be there. */
    record Unknown() implements QueryName {
    }

    /** A service, optionally narrowed to instances carrying a tag. */
    record Service(String service, Optional<String> tag) implements QueryName {
    }

    /** {@code <hex>[-<port>].addr.<domain>}: an SRV target that spells its own IPv4 (4 bytes) or IPv6 (16 bytes) address. */
    record Address(byte[] bytes) implements QueryName {
    }
}
