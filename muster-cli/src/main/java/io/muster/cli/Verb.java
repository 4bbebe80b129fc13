package io.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every verb has: the connection options, its output, and a way to refuse bad usage (exit 2). */
abstract class Verb implements Callable<Integer> {
    @Mixin
    Connection api;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints the API's JSON under --json, else the human form. */
    void print(Connection.Answer answer, java.util.function.Consumer<JsonNode> human) {
        if (api.json) {
            out().println(answer.text().strip());
        } else {
            human.accept(answer.json());
        }
        out().flush();
    }

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
