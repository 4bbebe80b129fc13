package io.muster.cli;

/** {@code java -jar muster-cli.jar VERB ...}: what {@code bin/muster} runs for every operator verb. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(MusterCli.run(args, System.out, System.err, System.getenv()));
    }
}
