package io.muster.cli;

import java.util.ArrayList;
import picocli.CommandLine.Command;

@Command(name = "services", mixinStandardHelpOptions = true, description = "List every service with its instance counts and tags.")
final class ServicesCommand extends Verb {
    @Override
    public Integer call() {
        print(api.get("/v1/services"), body -> {
            Table t = new Table("SERVICE", "INSTANCES", "PASSING", "WARNING", "CRITICAL", "TAGS");
            body.fields().forEachRemaining(e -> {
                var s = e.getValue();
                var tags = new ArrayList<String>();
                s.path("tags").forEach(x -> tags.add(x.asText()));
                t.row(e.getKey(), s.path("instances").asLong(), s.path("passing").asLong(), s.path("warning").asLong(),
                        s.path("critical").asLong(), String.join(",", tags));
            });
            t.print(out());
        });
        return MusterCli.OK;
    }
}
