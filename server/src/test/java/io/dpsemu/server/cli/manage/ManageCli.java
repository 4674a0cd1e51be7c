package io.dpsemu.server.cli.manage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsemu.server.cli.DpsemuCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** Runs {@code dpsemu} in-process with output captured and a given environment (not the process's). */
final class ManageCli {

    private ManageCli() {
    }

    record Result(int exitCode, String out, String err) {

        Result assertSucceeded() {
            assertThat(exitCode).as("exit code; stderr: %s; stdout: %s", err, out).isZero();
            return this;
        }

        /** Exit 1 and the message on stderr, no stack trace. */
        Result assertFailed(String... fragments) {
            assertThat(exitCode).as("exit code; stdout: %s; stderr: %s", out, err).isEqualTo(1);
            assertThat(err).contains(fragments).doesNotContain("Exception").doesNotContain("\tat ");
            return this;
        }

        /** Exit 2, the message names the option, and no stack trace. */
        Result assertBadInput(String option) {
            assertThat(exitCode).as("exit code; stdout: %s; stderr: %s", out, err).isEqualTo(2);
            assertThat(err).contains(option).doesNotContain("Exception").doesNotContain("\tat ");
            return this;
        }

        /** Standard output parsed as JSON by a plain Jackson mapper (not the code under test). */
        JsonNode json() {
            try {
                return new ObjectMapper().readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("stdout is not JSON: " + out, e);
            }
        }
    }

    static Result run(String... args) {
        return run(Map.of(), args);
    }

    static Result run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = commandLine(environment, out, err).execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** A command that keeps running ({@code --watch}), on a thread of its own; its output can be read meanwhile. */
    static final class Running {

        private final StringWriter out = new StringWriter();
        private final StringWriter err = new StringWriter();
        private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
        private final Thread thread;

        private Running(String... args) {
            CommandLine commandLine = commandLine(Map.of(), out, err);
            thread = new Thread(() -> exitCode.complete(commandLine.execute(args)), "cli-under-test");
            thread.start();
        }

        String out() {
            return out.toString();
        }

        String err() {
            return err.toString();
        }

        /** Interrupts the command, as Ctrl-C does through the shutdown hook, and waits for its result. */
        Result stop() throws Exception {
            thread.interrupt();
            int code = exitCode.get(10, TimeUnit.SECONDS);
            return new Result(code, out.toString(), err.toString());
        }
    }

    static Running start(String... args) {
        return new Running(args);
    }

    private static CommandLine commandLine(Map<String, String> environment, StringWriter out, StringWriter err) {
        CommandLine commandLine = new CommandLine(new DpsemuCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        for (String name : new String[] {"enrollment", "group", "registration", "fault", "sas"}) {
            ServiceCommandGroup group = commandLine.getSubcommands().get(name).getCommand();
            group.environment(environment);
        }
        return commandLine;
    }
}
