package io.muster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Bad usage exits 2 with a message naming what was wrong, before anything is sent: the address points at a port
 * nothing listens on, so a verb that reached the network would exit 1 instead.
 */
class UsageTest {
    /** Port 9 (discard) on loopback: nothing listens there on a test machine. */
    private static final Map<String, String> ENV = Map.of("MUSTER_ADDR", "127.0.0.1:9");

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = MusterCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), ENV);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> badUsage() {
        return Stream.of(
                Arguments.of(List.of("bogus"), "unknown verb 'bogus'"),
                Arguments.of(List.of(), "a verb is required"),
                Arguments.of(List.of("service"), "Missing required parameter: 'NAME'"),
                Arguments.of(List.of("service", "Web_Site"), "bad service name"),
                Arguments.of(List.of("service", "web", "--tag", "Bad Tag"), "bad tag"),
                Arguments.of(List.of("register", "web", "w1", "--address", "10.0.0.1"), "Missing required option: '--port=P'"),
                Arguments.of(List.of("register", "web", "--address", "10.0.0.1", "--port", "80"), "Missing required parameter: 'ID'"),
                Arguments.of(List.of("register", "web", "w1", "--address", "10.0.0.1", "--port", "70000"), "bad --port 70000"),
                Arguments.of(List.of("register", "web", "w1", "--address", "10.0.0.1", "--port", "0"), "bad --port 0"),
                Arguments.of(List.of("register", "web", "w1", "--address", "10.0.0.1", "--port", "eighty"), "'eighty' is not an int"),
                Arguments.of(List.of("register", "web", "w1", "--address", "10.0.0.1", "--port", "80", "--ttl", "10"), "bad duration for --ttl"),
                Arguments.of(List.of("register", "web", "w1", "--address", "10.0.0.1", "--port", "80", "--ttl", "ten seconds"), "bad duration"),
                Arguments.of(List.of("register", "web", "w1", "--address", "10.0.0.1", "--port", "80", "--ttl", "10s", "--tcp-check", "a:1"),
                        "give one of --ttl, --http-check and --tcp-check"),
                Arguments.of(List.of("register", "web", "w1", "--address", "10.0.0.1", "--port", "80", "--interval", "5s"),
                        "--interval and --timeout belong to"),
                Arguments.of(List.of("register", "web", "w1", "--address", "10.0.0.1", "--port", "80", "--meta", "novalue"), "novalue"),
                Arguments.of(List.of("register", "web", "-bad-id", "--address", "10.0.0.1", "--port", "80"), "Missing required parameter: 'ID'"),
                Arguments.of(List.of("register", "web", "w/1", "--address", "10.0.0.1", "--port", "80"), "bad instance id"),
                Arguments.of(List.of("deregister", "web"), "Missing required parameter: 'ID'"),
                Arguments.of(List.of("heartbeat", "web", "w1", "--status", "dead"), "bad status 'dead'"),
                Arguments.of(List.of("watch"), "Missing required parameter: 'SERVICE'"),
                Arguments.of(List.of("watch", "web", "--count", "0"), "--count must be at least 1"),
                Arguments.of(List.of("members", "add", "n4"), "Missing required option: '--raft=HOST:PORT'"),
                Arguments.of(List.of("members", "remove"), "Missing required parameter: 'ID'"),
                Arguments.of(List.of("members", "frobnicate"), "frobnicate"),
                Arguments.of(List.of("leader"), "a subcommand is required: transfer"),
                Arguments.of(List.of("leader", "transfer", "a", "b"), "Unmatched argument"),
                Arguments.of(List.of("snapshot"), "a subcommand is required"),
                Arguments.of(List.of("snapshot", "save"), "Missing required parameter: 'FILE'"),
                Arguments.of(List.of("snapshot", "restore", "/nonexistent/backup.snap"), "no such file"),
                Arguments.of(List.of("self-preservation", "maybe"), "expected one of [on, off, status]"),
                Arguments.of(List.of("acl"), "a subcommand is required"),
                Arguments.of(List.of("acl", "policy", "create", "web-rw"), "give --rule"),
                Arguments.of(List.of("acl", "policy", "create", "web-rw", "--rule", "service:web:admin"), "bad access"),
                Arguments.of(List.of("acl", "policy", "create", "web-rw", "--rule", "everything"), "bad rule"),
                Arguments.of(List.of("acl", "token", "create"), "Missing required option: '--policy=NAME'"),
                Arguments.of(List.of("services", "--nope"), "Unknown option: '--nope'"));
    }

    @ParameterizedTest
    @MethodSource("badUsage")
    void badUsageExitsTwoWithAMessage(List<String> args, String message) {
        Run r = run(args.toArray(String[]::new));
        assertEquals(MusterCli.USAGE, r.exit(), args + ": " + r);
        assertTrue(r.err().startsWith("muster: "), r.err());
        assertTrue(r.err().contains(message), args + " should say '" + message + "': " + r.err());
        assertTrue(r.err().contains("--help' for usage"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void everyVerbHasHelp() {
        List<List<String>> verbs = new ArrayList<>();
        collect(MusterCli.commandLine(System.out, System.err, ENV), new ArrayList<>(), verbs);
        assertTrue(verbs.size() > 20, "verbs found: " + verbs);
        for (List<String> verb : verbs) {
            List<String> args = new ArrayList<>(verb);
            args.add("--help");
            Run r = run(args.toArray(String[]::new));
            assertEquals(MusterCli.OK, r.exit(), args + ": " + r);
            assertTrue(r.out().startsWith("Usage: muster"), args + ": " + r.out());
        }
    }

    private static void collect(CommandLine line, List<String> prefix, List<List<String>> into) {
        into.add(List.copyOf(prefix));
        line.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            List<String> next = new ArrayList<>(prefix);
            next.add(name);
            collect(sub, next, into);
        });
    }

    /**
     * A rules file is read strictly: Jackson's default reads the first JSON value and drops the rest, so a file
     * holding two arrays (a bad merge) was sent as a policy with only the first one's rules, and exited 0.
     */
    @Test
    void aRulesFileWithAnythingAfterItsArrayIsBadUsage(@TempDir Path dir) throws Exception {
        Path twoArrays = dir.resolve("rules.json");
        Files.writeString(twoArrays, "[{\"service\": \"web\", \"access\": \"read\"}]\n[{\"acl\": \"write\"}]\n");
        Run r = run("acl", "policy", "create", "web-read", "--rules-file", twoArrays.toString());
        assertEquals(MusterCli.USAGE, r.exit(), r.toString());
        assertTrue(r.err().contains("cannot read " + twoArrays) && r.err().contains("Trailing token"), r.err());

        Path oneArray = dir.resolve("one.json");
        Files.writeString(oneArray, "  [{\"service\": \"web\", \"access\": \"read\"}]\n\n");
        Run sent = run("acl", "policy", "create", "web-read", "--rules-file", oneArray.toString());
        assertEquals(MusterCli.REFUSED, sent.exit(), "white space around the array is fine (it went on to the unreachable member): " + sent);
    }

    @Test
    void anUnreachableRegistryExitsOne() {
        Run r = run("services");
        assertEquals(MusterCli.REFUSED, r.exit(), r.toString());
        assertTrue(r.err().contains("cannot reach the registry at http://127.0.0.1:9"), r.err());
    }
}
