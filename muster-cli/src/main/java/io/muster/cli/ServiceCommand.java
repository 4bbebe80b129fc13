package io.muster.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "service", mixinStandardHelpOptions = true, description = "Show a service's instances.")
final class ServiceCommand extends Verb {
    @Parameters(index = "0", paramLabel = "NAME", description = "the service")
    String name;

    @Option(names = "--healthy", description = "only passing instances")
    boolean healthy;

    @Option(names = "--tag", paramLabel = "T", description = "only instances carrying this tag (repeatable: all must match)")
    List<String> tags = new ArrayList<>();

    @Override
    public Integer call() {
        Args.service(spec.commandLine(), name);
        tags.forEach(t -> Args.tag(spec.commandLine(), t));
        String q = Instances.query(healthy, tags);
        String path = "/v1/services/" + name + (q.isEmpty() ? "" : "?" + q.substring(1));
        print(api.get(path), body -> Instances.print(body, out()));
        return MusterCli.OK;
    }
}
