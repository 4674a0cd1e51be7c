package io.dpsemu.server.cli.cert;

import static io.dpsemu.server.cli.cert.CertCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertCommandTest {

    @TempDir
    Path dir;

    @Test
    void cert_withoutSubcommand_thenPrintsUsageListingTheSubcommands() {
        CertCli.Result result = run(dir, "cert").assertSucceeded();

        assertThat(result.out()).contains("Usage: dpsemu cert", "ca", "intermediate", "device", "Chains:");
    }

    @Test
    void cert_withUnknownSubcommand_thenExits2() {
        assertThat(run(dir, "cert", "frobnicate").exitCode()).isEqualTo(2);
    }

    @Test
    void subcommandHelp_thenDocumentsDefaults() {
        assertThat(run(dir, "cert", "ca", "--help").assertSucceeded().out())
                .contains("--out-cert", "ca.pem", "ca-key.pem", "3650", "--not-before", "--key-type");
        assertThat(run(dir, "cert", "intermediate", "--help").assertSucceeded().out())
                .contains("--path-length", "1825", "intermediate.pem", "only the new certificate");
        assertThat(run(dir, "cert", "device", "--help").assertSucceeded().out())
                .contains("--chain", "365", "<cn>.pem", "<cn>-key.pem", "never");
    }
}
