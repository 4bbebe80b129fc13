package io.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "members", mixinStandardHelpOptions = true,
        description = "List the cluster's members, leader and term; or change the membership.",
        subcommands = {MembersCommand.Add.class, MembersCommand.Remove.class})
final class MembersCommand extends Verb {
    @Override
    public Integer call() {
        print(api.get("/v1/cluster"), body -> printCluster(body, out()));
        return MusterCli.OK;
    }

    static void printCluster(JsonNode body, PrintWriter out) {
        String leader = body.path("leader").isNull() ? "(none)" : body.path("leader").asText();
        out.println("leader " + leader + ", term " + body.path("term").asLong());
        Table t = new Table("ID", "ROLE", "RAFT", "HTTP", "APPLIED", "LAST-CONTACT");
        for (JsonNode m : body.path("members")) {
            long contact = m.path("lastContactMs").asLong();
            t.row(m.path("id").asText(), m.path("role").asText(), m.path("raftAddress").asText(),
                    m.path("httpAddress").isNull() ? "" : m.path("httpAddress").asText(), m.path("appliedIndex").asLong(),
                    contact < 0 ? "unknown" : contact + "ms");
        }
        t.print(out);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a member (a Raft configuration change).")
    static final class Add extends Verb {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Option(names = "--raft", required = true, paramLabel = "HOST:PORT", description = "the new member's Raft address")
        String raft;

        @Option(names = "--http", paramLabel = "HOST:PORT", description = "the new member's HTTP address")
        String http;

        @Override
        public Integer call() {
            Args.id(spec.commandLine(), "member id", id);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("raftAddress", raft);
            if (http != null) {
                body.put("httpAddress", http);
            }
            print(api.post("/v1/cluster/members", body), b -> printCluster(b, out()));
            return MusterCli.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a member.")
    static final class Remove extends Verb {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            Args.id(spec.commandLine(), "member id", id);
            print(api.delete("/v1/cluster/members/" + Connection.encode(id)), b -> printCluster(b, out()));
            return MusterCli.OK;
        }
    }
}
