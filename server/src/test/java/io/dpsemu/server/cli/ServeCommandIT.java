package io.dpsemu.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
        try (DpsemuProcess serve = DpsemuProcess.start(Map.of(), "serve", "--data-dir", data.toString(),
                "--mqtt-port", "0", "--https-port", "0", "--bind", "127.0.0.1", "--hub", "hub-a.example=3",
                "--hub", "hub-b.example")) {
            String output = String.join("\n", serve.readUntil("dpsemu ready"));
            String scope = Files.readString(data.resolve("id-scope")).trim();
            assertThat(output).contains("dpsemu ready: idScope=" + scope).contains("hubs=2")
                    .contains(data.resolve("tls").resolve("ca.pem").toAbsolutePath().toString());
            assertThat(scope).matches("0ne[0-9A-F]{8}");
            assertThat(data.resolve("dpsemu.db")).exists();
        }
    }

    @Test
    void serve_whenAConfigKeyIsUnknown_thenExitsWithAMessageNamingIt() throws Exception {
        Path config = dir.resolve("dpsemu.yaml");
        Files.writeString(config, "limits:\n  maxConections: 5\n");
        DpsemuProcess.Ran ran = DpsemuProcess.run("serve", "--config", config.toString(), "--data-dir",
                dir.resolve("d").toString());

        assertThat(ran.exitCode()).isEqualTo(2);
        assertThat(ran.err()).contains("unknown key 'limits.maxConections'");
    }

    @Test
    void serve_whenEnvironmentSetsABadValue_thenExitsNamingTheKey() throws Exception {
        try (DpsemuProcess serve = DpsemuProcess.start(Map.of("DPSEMU_PROVISIONING_RETRY_AFTER_SECONDS", "0"),
                "serve", "--data-dir", dir.resolve("d").toString())) {
            String output = String.join("\n", serve.readToEnd());
            assertThat(serve.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(serve.process().exitValue()).isEqualTo(2);
            assertThat(output).contains("provisioning.retryAfterSeconds");
        }
    }

    @Test
    void serve_whenThePostgresStoreIsUnreachable_thenExits1NamingTheStoreWithoutAStackTrace() throws Exception {
        DpsemuProcess.Ran ran = DpsemuProcess.run("serve", "--data-dir", dir.resolve("d").toString(),
                "--mqtt-port", "0", "--https-port", "0", "--bind", "127.0.0.1", "--store", "postgres",
                "--store-url", "jdbc:postgresql://127.0.0.1:1/nowhere");

        assertThat(ran.exitCode()).isEqualTo(1);
        assertThat(ran.out() + ran.err()).contains("dpsemu: cannot open the store").contains("127.0.0.1:1")
                .doesNotContain("\tat ");
    }
}
