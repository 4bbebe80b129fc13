package io.muster.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "self-preservation", mixinStandardHelpOptions = true,
        description = "Show or switch self-preservation (holding expiries when too many instances lapse at once).")
final class SelfPreservationCommand extends Verb {
    enum Action { on, off, status }

    @Parameters(index = "0", arity = "0..1", paramLabel = "on|off|status", description = "default: status")
    Action action = Action.status;

    @Override
    public Integer call() {
        Connection.Answer a = switch (action) {
            case status -> api.get("/v1/operator/self-preservation");
            case on -> api.put("/v1/operator/self-preservation", Map.of("enabled", true));
            case off -> api.put("/v1/operator/self-preservation", Map.of("enabled", false));
        };
        print(a, b -> out().println("self-preservation " + (b.path("enabled").asBoolean() ? "enabled" : "disabled")
                + (b.path("active").asBoolean() ? ", ACTIVE: holding expiries" : ", not active")));
        return MusterCli.OK;
    }
}
