package io.dpsemu.server.cli.cert;

import static io.dpsemu.server.cli.cert.CertCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.enrollment.X509Attestation;
import io.dpsemu.protocol.enrollment.X509CertificateWithInfo;
import io.dpsemu.protocol.enrollment.X509Certificates;
import io.dpsemu.store.sqlite.SqliteStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dpsemu cert verify} answers with the server's own attestation over a data directory's store. */
class VerifyCommandTest {

    @TempDir
    Path dir;

    @BeforeEach
    void enrollAGroupOnTheIntermediate() throws Exception {
        run(dir, "cert", "ca").assertSucceeded();
        run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "ca-key.pem").assertSucceeded();
        run(dir, "cert", "device", "--ca", "intermediate.pem", "--ca-key", "intermediate-key.pem", "--cn", "line-1")
                .assertSucceeded();
        try (SqliteStore store = SqliteStore.open(dir.resolve("data").resolve("dpsemu.db"))) {
            String pem = Files.readString(dir.resolve("intermediate.pem"));
            store.putGroup(new EnrollmentGroup("line-devices", new AttestationMechanism(AttestationType.X509, null,
                    new X509Attestation(null, new X509Certificates(new X509CertificateWithInfo(pem, null), null), null),
                    null), null, null, null, null, ProvisioningStatus.ENABLED, null, null, null, null, null, null,
                    null),
                    null);
        }
    }

    @Test
    void verify_whenChainLeadsToAnEnrolledGroup_thenAcceptedNamingTheGroup() {
        CertCli.Result result = run(dir, "cert", "verify", "--chain", "line-1.pem", "--data-dir", "data");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("accepted").contains("'line-1'").contains("'line-devices'");
    }

    @Test
    void verify_whenChainLeadsToAnUnenrolledCa_thenRefusedWithTheReason() {
        run(dir, "cert", "ca", "--cn", "other root", "--out-cert", "other.pem", "--out-key", "other-key.pem")
                .assertSucceeded();
        run(dir, "cert", "device", "--ca", "other.pem", "--ca-key", "other-key.pem", "--cn", "stray").assertSucceeded();

        CertCli.Result result = run(dir, "cert", "verify", "--chain", "stray.pem", "--data-dir", "data");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("refused").contains("no X.509 enrollment group");
    }

    @Test
    void verify_whenRegistrationIdDiffersFromTheCn_thenRefused() {
        CertCli.Result result = run(dir, "cert", "verify", "--chain", "line-1.pem", "--data-dir", "data",
                "--registration-id", "line-2");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("differs from the registration id 'line-2'");
    }

    @Test
    void verify_whenDataDirectoryHasNoStore_thenBadInputNamingDataDir() {
        run(dir, "cert", "verify", "--chain", "line-1.pem", "--data-dir", "nowhere").assertBadInput("--data-dir");
    }
}
