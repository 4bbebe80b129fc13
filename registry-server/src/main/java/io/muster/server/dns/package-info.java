/**
 * The DNS interface: {@code <service>.service.<domain>} and friends over UDP and TCP, answered from the
 * node's own catalog. {@link io.muster.server.dns.DnsServer} owns the sockets, {@code DnsTcpConnection} the
 * TCP framing, {@code DnsResponder} the message rules (errors, EDNS0, truncation), {@code DnsAnswers} the
 * records for a question, {@code DnsNames} the names, {@code DnsMetrics} the meters. Wire format is dnsjava's;
 * note that {@code org.xbill.DNS.Message} shares its simple name with Ratis's {@code Message}, so this package
 * always spells it out.
 */
package io.muster.server.dns;
