package io.muster.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "leader", mixinStandardHelpOptions = true, description = "Leadership.",
        subcommands = LeaderCommand.Transfer.class)
final class LeaderCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: transfer");
    }

    @Command(name = "transfer", mixinStandardHelpOptions = true,
            description = "Hand leadership to member ID, or to the most up-to-date follower.")
    static final class Transfer extends Verb {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID")
        String to;

        @Override
        public Integer call() {
            if (to != null) {
                Args.id(spec.commandLine(), "member id", to);
            }
            print(api.post("/v1/cluster/leader/transfer", to == null ? null : Map.of("to", to)),
                    b -> MembersCommand.printCluster(b, out()));
            return MusterCli.OK;
        }
    }
}
