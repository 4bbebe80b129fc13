package io.muster.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "heartbeat", mixinStandardHelpOptions = true,
        description = "Renew an instance's TTL check (exit 1 with not_found when it must register again).")
final class HeartbeatCommand extends Verb {
    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Parameters(index = "1", paramLabel = "ID")
    String id;

    @Option(names = "--status", paramLabel = "S", description = "passing (default), warning or critical")
    String status;

    @Option(names = "--note", paramLabel = "N", description = "a note shown with the status")
    String note;

    @Override
    public Integer call() {
        Args.service(spec.commandLine(), service);
        Args.id(spec.commandLine(), "instance id", id);
        Map<String, Object> body = new LinkedHashMap<>();
        if (status != null) {
            body.put("status", Args.status(spec.commandLine(), status));
        }
        if (note != null) {
            body.put("note", note);
        }
        print(api.put("/v1/services/" + service + "/instances/" + Connection.encode(id) + "/heartbeat",
                body.isEmpty() ? null : body), a -> out().println("renewed " + service + "/" + id));
        return MusterCli.OK;
    }
}
