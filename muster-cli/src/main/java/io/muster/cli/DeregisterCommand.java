package io.muster.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "deregister", mixinStandardHelpOptions = true, description = "Remove an instance (exit 1 if it is unknown).")
final class DeregisterCommand extends Verb {
    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Parameters(index = "1", paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
        Args.service(spec.commandLine(), service);
        Args.id(spec.commandLine(), "instance id", id);
        print(api.delete("/v1/services/" + service + "/instances/" + Connection.encode(id)),
                a -> out().println("deregistered " + service + "/" + id + " at index " + a.path("index").asLong()));
        return MusterCli.OK;
    }
}
