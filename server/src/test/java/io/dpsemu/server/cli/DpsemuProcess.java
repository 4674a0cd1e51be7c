package io.dpsemu.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code dpsemu} as a separate process, as a user runs it: with the server's logging configuration
 * (not the tests', which hides the lines these tests read) and the environment given.
 */
final class DpsemuProcess implements AutoCloseable {

    private final Process process;
    private final BufferedReader output;
    private final List<String> lines = new ArrayList<>();

    private DpsemuProcess(Process process) {
        this.process = process;
        this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** A command that keeps running (serve), stdout and stderr merged, read line by line. */
    static DpsemuProcess start(Map<String, String> environment, String... args) throws IOException {
        ProcessBuilder builder = builder(List.of(), args).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return new DpsemuProcess(builder.start());
    }

    /** What a command that ends wrote, stdout and stderr apart. */
    record Ran(int exitCode, String out, String err) {
    }

    static Ran run(String... args) throws IOException, InterruptedException {
        return run(List.of(), args);
    }

    /** @param prefix a command the java command runs under (e.g. {@code setpriv ...}), or empty */
    static Ran run(List<String> prefix, String... args) throws IOException, InterruptedException {
        Process process = builder(prefix, args).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process, true));
        String out = readAll(process, false);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("dpsemu " + String.join(" ", args) + " did not end in 60 s");
        }
        return new Ran(process.exitValue(), out, err.join());
    }

    /** The lines read so far and up to the first (further) one that contains {@code marker}. */
    List<String> readUntil(String marker) throws IOException {
        String line;
        while ((line = output.readLine()) != null) {
            lines.add(line);
            if (line.contains(marker)) {
                return List.copyOf(lines);
            }
        }
        throw new AssertionError("process ended before '" + marker + "':\n" + String.join("\n", lines));
    }

    /** Every line the process wrote until it ended. */
    List<String> readToEnd() throws IOException {
        String line;
        while ((line = output.readLine()) != null) {
            lines.add(line);
        }
        return List.copyOf(lines);
    }

    Process process() {
        return process;
    }

    /** SIGTERM, as a user's Ctrl-C or {@code docker stop}: the server must stop on it. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("dpsemu did not stop on SIGTERM within 20 s");
        }
    }

    private static ProcessBuilder builder(List<String> prefix, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=logback.xml",
                "-cp", System.getProperty("java.class.path"), DpsemuCommand.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static String readAll(Process process, boolean stderr) {
        try {
            return new String((stderr ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
