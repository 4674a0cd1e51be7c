package io.dpsemu.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code dpsemu serve} as a separate process: the ready line, the files it keeps, its config errors. */
@Timeout(120)
class ServeCommandIT {

    @TempDir
    Path dir;

    @Test
    void serve_whenStartedOnAFreshDataDir_thenPrintsReadyLineAndCreatesScopeAndCa() throws Exception {
        Path data = dir.resolve("data");
        Process process = dpsemu("serve", "--data-dir", data.toString(), "--mqtt-port", "0", "--https-port", "0",
                "--bind", "127.0.0.1", "--hub", "hub-a.example=3", "--hub", "hub-b.example");
        try {
            List<String> lines = readUntil(process, "dpsemu ready");
            String output = String.join("\n", lines);
            String scope = Files.readString(data.resolve("id-scope")).trim();
            assertThat(output).contains("dpsemu ready: idScope=" + scope).contains("hubs=2")
                    .contains(data.resolve("tls").resolve("ca.pem").toAbsolutePath().toString());
            assertThat(scope).matches("0ne[0-9A-F]{8}");
            assertThat(data.resolve("dpsemu.db")).exists();
        } finally {
            process.destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
    }

    @Test
    void serve_whenAConfigKeyIsUnknown_thenExitsWithAMessageNamingIt() throws Exception {
        Path config = dir.resolve("dpsemu.yaml");
        Files.writeString(config, "limits:\n  maxConections: 5\n");
        Process process = dpsemu("serve", "--config", config.toString(), "--data-dir", dir.resolve("d").toString());

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("unknown key 'limits.maxConections'");
    }

    @Test
    void serve_whenEnvironmentSetsABadValue_thenExitsNamingTheKey() throws Exception {
        ProcessBuilder builder = builder("serve", "--data-dir", dir.resolve("d").toString());
        builder.environment().put("DPSEMU_PROVISIONING_RETRY_AFTER_SECONDS", "0");
        Process process = builder.start();

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("provisioning.retryAfterSeconds");
    }

    @Test
    void serve_whenThePostgresStoreIsUnreachable_thenExits1NamingTheStoreWithoutAStackTrace() throws Exception {
        Process process = dpsemu("serve", "--data-dir", dir.resolve("d").toString(), "--mqtt-port", "0",
                "--https-port", "0", "--bind", "127.0.0.1", "--store", "postgres",
                "--store-url", "jdbc:postgresql://127.0.0.1:1/nowhere");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output).contains("dpsemu: cannot open the store").contains("127.0.0.1:1")
                .doesNotContain("\tat ");
    }

    private Process dpsemu(String... args) throws IOException {
        return builder(args).start();
    }

    private static ProcessBuilder builder(String... args) {
        // the server's own logging, not the tests' (which hides the lines this test reads)
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=logback.xml",
                "-cp", System.getProperty("java.class.path"), DpsemuCommand.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    private static List<String> readUntil(Process process, String marker) throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            lines.add(line);
            if (line.contains(marker)) {
                return lines;
            }
        }
        throw new AssertionError("process ended before '" + marker + "':\n" + String.join("\n", lines));
    }
}
