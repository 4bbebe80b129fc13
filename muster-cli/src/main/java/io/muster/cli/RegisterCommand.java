package io.muster.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "register", mixinStandardHelpOptions = true,
        description = "Register (or replace) an instance. Without a check it stays passing until deregistered.")
final class RegisterCommand extends Verb {
    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Parameters(index = "1", paramLabel = "ID")
    String id;

    @Option(names = "--address", required = true, paramLabel = "A", description = "IPv4, IPv6 or host name")
    String address;

    @Option(names = "--port", required = true, paramLabel = "P", description = "1-65535")
    int port;

    @Option(names = "--tag", paramLabel = "T", description = "a tag (repeatable)")
    List<String> tags = new ArrayList<>();

    @Option(names = "--meta", paramLabel = "k=v", description = "a metadata entry (repeatable)")
    Map<String, String> meta = new LinkedHashMap<>();

    @Option(names = "--weight", paramLabel = "W", description = "1-1000 (default 1)")
    Integer weight;

    @Option(names = "--ttl", paramLabel = "D", description = "a TTL check: heartbeat at least this often (e.g. 10s)")
    String ttl;

    @Option(names = "--http-check", paramLabel = "URL", description = "an HTTP check: GET this URL every --interval")
    String httpCheck;

    @Option(names = "--tcp-check", paramLabel = "HOST:PORT", description = "a TCP check: connect every --interval")
    String tcpCheck;

    @Option(names = "--interval", paramLabel = "D", description = "how often an HTTP/TCP check runs")
    String interval;

    @Option(names = "--timeout", paramLabel = "D", description = "an HTTP/TCP check's timeout")
    String timeout;

    @Option(names = "--deregister-after", paramLabel = "D", description = "remove the instance once critical this long")
    String deregisterAfter;

    @Override
    public Integer call() {
        var line = spec.commandLine();
        Args.service(line, service);
        Args.id(line, "instance id", id);
        Args.port(line, "--port", port);
        tags.forEach(t -> Args.tag(line, t));
        int kinds = (ttl != null ? 1 : 0) + (httpCheck != null ? 1 : 0) + (tcpCheck != null ? 1 : 0);
        if (kinds > 1) {
            throw usage("give one of --ttl, --http-check and --tcp-check");
        }
        if ((interval != null || timeout != null) && httpCheck == null && tcpCheck == null) {
            throw usage("--interval and --timeout belong to --http-check or --tcp-check");
        }
        if (deregisterAfter != null && kinds == 0) {
            throw usage("--deregister-after needs a check");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("address", address);
        body.put("port", port);
        if (!tags.isEmpty()) {
            body.put("tags", tags);
        }
        if (!meta.isEmpty()) {
            body.put("metadata", meta);
        }
        if (weight != null) {
            body.put("weight", weight);
        }
        if (kinds == 1) {
            Map<String, Object> check = new LinkedHashMap<>();
            if (ttl != null) {
                check.put("ttl", Args.duration(line, "--ttl", ttl));
            } else {
                check.put(httpCheck != null ? "http" : "tcp", httpCheck != null ? httpCheck : tcpCheck);
                if (interval != null) {
                    check.put("interval", Args.duration(line, "--interval", interval));
                }
                if (timeout != null) {
                    check.put("timeout", Args.duration(line, "--timeout", timeout));
                }
            }
            if (deregisterAfter != null) {
                check.put("deregisterAfter", Args.duration(line, "--deregister-after", deregisterAfter));
            }
            body.put("check", check);
        }
        print(api.put("/v1/services/" + service + "/instances/" + Connection.encode(id), body),
                a -> out().println("registered " + service + "/" + id + " at index " + a.path("index").asLong()));
        return MusterCli.OK;
    }
}
