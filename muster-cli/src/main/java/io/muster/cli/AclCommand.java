package io.muster.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Tokens and policies, per the contract's {@code /v1/acl/*} routes. */
@Command(name = "acl", mixinStandardHelpOptions = true, description = "Access control: policies, tokens, whoami.",
        subcommands = {AclCommand.Policy.class, AclCommand.Token.class, AclCommand.WhoAmI.class})
final class AclCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: policy, token or whoami");
    }

    @Command(name = "policy", mixinStandardHelpOptions = true, description = "Named lists of rules.",
            subcommands = {PolicyCreate.class, PolicyList.class, PolicyRead.class, PolicyDelete.class})
    static final class Policy implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: create, list, read or delete");
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Secrets that carry policies.",
            subcommands = {TokenCreate.class, TokenList.class, TokenRead.class, TokenDelete.class})
    static final class Token implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: create, list, read or delete");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create or replace a policy.",
            footer = {"%nRules: service:NAME:ACCESS, service-prefix:PREFIX:ACCESS, operator:ACCESS, acl:ACCESS;",
                "ACCESS is deny, read or write. Example:",
                "  bin/muster acl policy create web-rw --rule service:web:write --rule operator:read"})
    static final class PolicyCreate extends Verb {
        private static final ObjectReader RULES_FILE = Connection.JSON.reader()
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--rule", paramLabel = "RULE", description = "a rule (repeatable), see below")
        List<String> rules = new ArrayList<>();

        @Option(names = "--rules-file", paramLabel = "FILE", description = "the rules as a JSON array, as the API takes them")
        Path rulesFile;

        @Override
        public Integer call() {
            Args.id(spec.commandLine(), "policy name", name);
            if (rules.isEmpty() == (rulesFile == null)) {
                throw usage("give --rule (repeatable) or --rules-file");
            }
            Object parsed;
            if (rulesFile != null) {
                try {
                    // Strict: Jackson otherwise reads the first value and ignores the rest, so a file holding
                    // "[...] [...]" (two arrays, a bad merge) would save a policy with half its rules.
                    JsonNode n = RULES_FILE.readTree(Files.readAllBytes(rulesFile));
                    if (n == null || !n.isArray()) {
                        throw usage(rulesFile + " must hold a JSON array of rules");
                    }
                    parsed = n;
                } catch (IOException e) {
                    throw usage("cannot read " + rulesFile + ": " + e.getMessage());
                }
            } else {
                List<Map<String, Object>> list = new ArrayList<>();
                rules.forEach(r -> list.add(rule(r)));
                parsed = list;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("rules", parsed);
            print(api.put("/v1/acl/policies/" + Connection.encode(name), body), b -> out().println("policy " + name + " saved"));
            return MusterCli.OK;
        }

        private Map<String, Object> rule(String r) {
            String[] p = r.split(":", -1);
            Map<String, Object> m = new LinkedHashMap<>();
            if (p.length == 3 && (p[0].equals("service") || p[0].equals("service-prefix"))) {
                m.put("service", p[1]);
                m.put("prefix", p[0].equals("service-prefix"));
                m.put("access", access(r, p[2]));
            } else if (p.length == 2 && (p[0].equals("operator") || p[0].equals("acl"))) {
                m.put(p[0], access(r, p[1]));
            } else {
                throw usage("bad rule '" + r + "': service:NAME:ACCESS, service-prefix:PREFIX:ACCESS, operator:ACCESS or acl:ACCESS");
            }
            return m;
        }

        private String access(String rule, String a) {
            if (!a.equals("deny") && !a.equals("read") && !a.equals("write")) {
                throw usage("bad access in rule '" + rule + "': deny, read or write");
            }
            return a;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List policies.")
    static final class PolicyList extends Verb {
        @Override
        public Integer call() {
            print(api.get("/v1/acl/policies"), b -> {
                Table t = new Table("NAME", "RULES");
                for (JsonNode p : b.isArray() ? b : b.path("policies")) {
                    t.row(p.path("name").asText(), p.path("rules").size());
                }
                t.print(out());
            });
            return MusterCli.OK;
        }
    }

    @Command(name = "read", mixinStandardHelpOptions = true, description = "Show a policy.")
    static final class PolicyRead extends Verb {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Args.id(spec.commandLine(), "policy name", name);
            print(api.get("/v1/acl/policies/" + Connection.encode(name)), b -> out().println(b.toPrettyString()));
            return MusterCli.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a policy.")
    static final class PolicyDelete extends Verb {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Args.id(spec.commandLine(), "policy name", name);
            print(api.delete("/v1/acl/policies/" + Connection.encode(name)), b -> out().println("policy " + name + " deleted"));
            return MusterCli.OK;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token; its secret is shown only now.")
    static final class TokenCreate extends Verb {
        @Option(names = "--policy", required = true, paramLabel = "NAME", description = "a policy the token carries (repeatable)")
        List<String> policies = new ArrayList<>();

        @Option(names = "--description", paramLabel = "TEXT")
        String description = "";

        @Override
        public Integer call() {
            policies.forEach(p -> Args.id(spec.commandLine(), "policy name", p));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("description", description);
            body.put("policies", policies);
            print(api.post("/v1/acl/tokens", body), b -> {
                out().println("accessor  " + b.path("accessor").asText());
                out().println("secret    " + b.path("secret").asText() + "   (shown only now)");
                out().println("policies  " + String.join(",", texts(b.path("policies"))));
            });
            return MusterCli.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (never their secrets).")
    static final class TokenList extends Verb {
        @Override
        public Integer call() {
            print(api.get("/v1/acl/tokens"), b -> {
                Table t = new Table("ACCESSOR", "POLICIES", "DESCRIPTION");
                for (JsonNode tk : b.isArray() ? b : b.path("tokens")) {
                    t.row(tk.path("accessor").asText(), String.join(",", texts(tk.path("policies"))), tk.path("description").asText());
                }
                t.print(out());
            });
            return MusterCli.OK;
        }
    }

    @Command(name = "read", mixinStandardHelpOptions = true, description = "Show a token by its accessor.")
    static final class TokenRead extends Verb {
        @Parameters(index = "0", paramLabel = "ACCESSOR")
        String accessor;

        @Override
        public Integer call() {
            Args.id(spec.commandLine(), "accessor", accessor);
            print(api.get("/v1/acl/tokens/" + Connection.encode(accessor)), b -> out().println(b.toPrettyString()));
            return MusterCli.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Revoke a token by its accessor.")
    static final class TokenDelete extends Verb {
        @Parameters(index = "0", paramLabel = "ACCESSOR")
        String accessor;

        @Override
        public Integer call() {
            Args.id(spec.commandLine(), "accessor", accessor);
            print(api.delete("/v1/acl/tokens/" + Connection.encode(accessor)), b -> out().println("token " + accessor + " deleted"));
            return MusterCli.OK;
        }
    }

    @Command(name = "whoami", mixinStandardHelpOptions = true, description = "Show the token MUSTER_TOKEN holds.")
    static final class WhoAmI extends Verb {
        @Override
        public Integer call() {
            print(api.get("/v1/acl/whoami"), b -> out().println(b.toPrettyString()));
            return MusterCli.OK;
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> s = new ArrayList<>();
        array.forEach(x -> s.add(x.asText()));
        return s;
    }
}
