package io.muster.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The operator verbs of {@code bin/muster}. Exit codes scripts can rely on: {@value #OK} on success,
 * {@value #REFUSED} when the registry refused or could not be reached, {@value #USAGE} on bad usage.
 */
@Command(name = "muster", mixinStandardHelpOptions = true, versionProvider = MusterCli.Version.class,
        description = "Talk to a Muster member over its HTTP API (MUSTER_ADDR, default 127.0.0.1:8700; token from MUSTER_TOKEN).",
        subcommands = {
            ServicesCommand.class, ServiceCommand.class, RegisterCommand.class, DeregisterCommand.class,
            HeartbeatCommand.class, WatchCommand.class, MembersCommand.class, LeaderCommand.class,
            SnapshotCommand.class, SelfPreservationCommand.class, AclCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the registry refused, or could not be reached", "2:bad usage"})
public final class MusterCli implements Runnable {
    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a verb is required");
    }

    /** Runs one command line; never calls System.exit, so tests run it in-process. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        CommandLine cli = commandLine(out, err, env);
        return cli.execute(args);
    }

    static CommandLine commandLine(PrintStream out, PrintStream err, Map<String, String> env) {
        CommandLine cli = new CommandLine(new MusterCli(), new Factory(env));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        // A usage error prints what was wrong and where the help is, not the whole usage text.
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine line = e.getCommandLine();
            PrintWriter w = line.getErr();
            boolean unknownVerb = e instanceof CommandLine.UnmatchedArgumentException u && line.getParent() == null
                    && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-");
            w.println("muster: " + (unknownVerb
                    ? "unknown verb '" + ((CommandLine.UnmatchedArgumentException) e).getUnmatched().get(0) + "'" : e.getMessage()));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, w);
            w.println("Run '" + line.getCommandSpec().qualifiedName() + " --help' for usage.");
            w.flush();
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            PrintWriter w = line.getErr();
            w.println("muster: " + message(e));
            w.flush();
            return REFUSED;
        });
        return cli;
    }

    private static String message(Throwable e) {
        if (e instanceof Refused r) {
            return r.getMessage();
        }
        if (e instanceof UncheckedIOException u) {
            e = u.getCause();
        }
        if (e instanceof HttpTimeoutException) {
            return "the registry did not answer in time";
        }
        if (e instanceof IOException) {
            return "cannot reach the registry at " + e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Hands every {@link Connection} mixin the process environment (tests pass their own). */
    private record Factory(Map<String, String> env) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == Connection.class) {
                return cls.cast(new Connection(env));
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = MusterCli.class.getPackage().getImplementationVersion();
            return new String[] {"muster " + (v == null ? "(development build)" : v)};
        }
    }
}
