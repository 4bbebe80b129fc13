package io.muster.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prints a service, then each change as it comes. Each round is one blocking query (index + wait), so a quiet
 * service costs one parked request per five minutes, not a polling loop.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Print a service's instances, then again at every change (blocking queries), until interrupted.")
final class WatchCommand extends Verb {
    static final String WAIT = "5m";

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Option(names = "--healthy", description = "only passing instances")
    boolean healthy;

    @Option(names = "--tag", paramLabel = "T", description = "only instances carrying this tag (repeatable)")
    List<String> tags = new ArrayList<>();

    @Option(names = "--count", paramLabel = "N", description = "stop after printing N answers (the first one counts)")
    Integer count;

    @Override
    public Integer call() {
        Args.service(spec.commandLine(), service);
        tags.forEach(t -> Args.tag(spec.commandLine(), t));
        if (count != null && count < 1) {
            throw usage("--count must be at least 1");
        }
        String q = Instances.query(healthy, tags);
        String base = "/v1/services/" + service + (q.isEmpty() ? "" : "?" + q.substring(1));
        String sep = q.isEmpty() ? "?" : "&";
        long index = -1;
        int printed = 0;
        while (count == null || printed < count) {
            String path = index < 0 ? base : base + sep + "index=" + index + "&wait=" + WAIT;
            Connection.Answer a = api.get(path, Duration.ofMinutes(6));
            long next = a.index();
            // A blocking query that times out answers the unchanged result: print only what changed.
            if (next != index) {
                if (!api.json) {
                    out().println("# " + service + " at index " + next + " (" + Instant.now() + ")");
                }
                print(a, body -> Instances.print(body, out()));
                printed++;
            }
            // The index never moves back; should a restored registry report a lower one, start over from it.
            index = next;
        }
        return MusterCli.OK;
    }
}
