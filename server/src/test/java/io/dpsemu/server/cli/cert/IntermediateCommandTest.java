package io.dpsemu.server.cli.cert;

import static io.dpsemu.server.cli.cert.CertCli.certificate;
import static io.dpsemu.server.cli.cert.CertCli.certificates;
import static io.dpsemu.server.cli.cert.CertCli.keyBelongsTo;
import static io.dpsemu.server.cli.cert.CertCli.permissions;
import static io.dpsemu.server.cli.cert.CertCli.pkcs8Key;
import static io.dpsemu.server.cli.cert.CertCli.posix;
import static io.dpsemu.server.cli.cert.CertCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntermediateCommandTest {

    private static final boolean[] CA_KEY_USAGE = {false, false, false, false, false, true, true, false, false};

    @TempDir
    Path dir;

    private X509Certificate root;

    @BeforeEach
    void makeRoot() {
        run(dir, "cert", "ca").assertSucceeded();
        root = certificate(dir.resolve("ca.pem"));
    }

    @Test
    void intermediate_withDefaults_thenWritesACaWithPathLength0SignedByTheRoot() throws Exception {
        Instant now = Instant.now();

        CertCli.Result result = run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "ca-key.pem")
                .assertSucceeded();

        X509Certificate intermediate = certificate(dir.resolve("intermediate.pem"));
        assertThat(intermediate.getSubjectX500Principal().getName()).isEqualTo("CN=dpsemu test intermediate CA");
        assertThat(intermediate.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        intermediate.verify(root.getPublicKey());
        assertThat(intermediate.getBasicConstraints()).isZero();
        assertThat(intermediate.getKeyUsage()).containsExactly(CA_KEY_USAGE);
        assertThat(intermediate.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(
                Extension.basicConstraints.getId(), Extension.keyUsage.getId());
        assertThat(authorityKeyId(intermediate)).isEqualTo(subjectKeyId(root));
        assertThat(intermediate.getNotAfter().toInstant()).isBetween(
                now.plus(Duration.ofDays(1825)).minusSeconds(60), now.plus(Duration.ofDays(1825)).plusSeconds(60));
        assertThat(keyBelongsTo(pkcs8Key(dir.resolve("intermediate-key.pem"), "EC"), intermediate)).isTrue();
        if (posix(dir)) {
            assertThat(permissions(dir.resolve("intermediate-key.pem"))).isEqualTo("rw-------");
        }
        assertThat(result.out()).contains(dir.resolve("intermediate.pem").toString(),
                dir.resolve("intermediate-key.pem").toString(), "CN=dpsemu test intermediate CA", "path length: 0")
                .doesNotContain("--chain");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void intermediate_withRsaKeyAndPathLength_thenHonoursThem() throws Exception {
        run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--key-type", "rsa",
                "--path-length", "2", "--cn", "Line 3 CA", "--days", "90",
                "--out-cert", "line3.pem", "--out-key", "line3-key.pem").assertSucceeded();

        X509Certificate intermediate = certificate(dir.resolve("line3.pem"));
        assertThat(intermediate.getSubjectX500Principal().getName()).isEqualTo("CN=Line 3 CA");
        assertThat(intermediate.getBasicConstraints()).isEqualTo(2);
        assertThat(((RSAPublicKey) intermediate.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(intermediate.getSigAlgName()).as("signed by the EC root").isEqualTo("SHA256withECDSA");
        assertThat(Duration.between(intermediate.getNotBefore().toInstant(), intermediate.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(90).plusHours(1));
        assertThat(keyBelongsTo(pkcs8Key(dir.resolve("line3-key.pem"), "RSA"), intermediate)).isTrue();
    }

    @Test
    void intermediate_signedByAnRsaRoot_thenUsesSha256WithRsa() throws Exception {
        run(dir, "cert", "ca", "--key-type", "rsa", "--out-cert", "rsa-ca.pem", "--out-key", "rsa-ca-key.pem")
                .assertSucceeded();

        run(dir, "cert", "intermediate", "--ca", "rsa-ca.pem", "--ca-key", "rsa-ca-key.pem").assertSucceeded();

        X509Certificate intermediate = certificate(dir.resolve("intermediate.pem"));
        assertThat(intermediate.getSigAlgName()).isEqualTo("SHA256withRSA");
        intermediate.verify(certificate(dir.resolve("rsa-ca.pem")).getPublicKey());
    }

    @Test
    void intermediate_underAnIntermediate_thenFileHoldsOnlyTheNewCertificateAndTheOutputSaysHowToChain()
            throws Exception {
        run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--path-length", "1",
                "--out-cert", "level1.pem", "--out-key", "level1-key.pem").assertSucceeded();

        CertCli.Result result = run(dir, "cert", "intermediate", "--ca", "level1.pem", "--ca-key", "level1-key.pem",
                "--cn", "level 2", "--out-cert", "level2.pem", "--out-key", "level2-key.pem").assertSucceeded();

        assertThat(certificates(dir.resolve("level2.pem"))).hasSize(1);
        X509Certificate level2 = certificate(dir.resolve("level2.pem"));
        level2.verify(certificate(dir.resolve("level1.pem")).getPublicKey());
        assertThat(level2.getBasicConstraints()).isZero();
        assertThat(result.out()).contains("--chain " + dir.resolve("level1.pem"));
        assertThat(result.err()).isEmpty();
    }

    @Test
    void intermediate_whenTheIssuerHasPathLength0_thenExits2NamingCa() {
        run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "ca-key.pem").assertSucceeded();

        CertCli.Result result = run(dir, "cert", "intermediate", "--ca", "intermediate.pem", "--ca-key",
                "intermediate-key.pem", "--out-cert", "deeper.pem", "--out-key", "deeper-key.pem")
                .assertBadInput("--ca");

        assertThat(result.err()).contains("path length 0");
        assertThat(dir.resolve("deeper.pem")).doesNotExist();
        assertThat(dir.resolve("deeper-key.pem")).doesNotExist();
    }

    @Test
    void intermediate_whenPathLengthExceedsTheIssuers_thenWarns() {
        run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--path-length", "1",
                "--out-cert", "level1.pem", "--out-key", "level1-key.pem").assertSucceeded();

        CertCli.Result result = run(dir, "cert", "intermediate", "--ca", "level1.pem", "--ca-key", "level1-key.pem",
                "--path-length", "3").assertSucceeded();

        assertThat(result.err()).startsWith("warning: ").contains("path length 1");
    }

    @Test
    void intermediate_whenCaFileIsMissing_thenExits2NamingOptionAndFile() {
        CertCli.Result result = run(dir, "cert", "intermediate", "--ca", "nope.pem", "--ca-key", "ca-key.pem")
                .assertBadInput("--ca");

        assertThat(result.err()).contains(dir.resolve("nope.pem") + ": file not found");
        assertThat(dir.resolve("intermediate.pem")).doesNotExist();
    }

    @Test
    void intermediate_whenCaKeyIsMissingOrNotAKey_thenExits2NamingCaKey() {
        run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "missing-key.pem").assertBadInput("--ca-key");
        run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "ca.pem").assertBadInput("--ca-key");
    }

    @Test
    void intermediate_whenCaKeyBelongsToAnotherCertificate_thenExits2NamingCaKey() {
        run(dir, "cert", "ca", "--out-cert", "other.pem", "--out-key", "other-key.pem").assertSucceeded();

        CertCli.Result result = run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "other-key.pem")
                .assertBadInput("--ca-key");

        assertThat(result.err()).contains("does not belong to");
    }

    @Test
    void intermediate_whenCaIsADeviceCertificate_thenExits2SayingItIsNotACa() {
        run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--cn", "dev-1").assertSucceeded();

        CertCli.Result result = run(dir, "cert", "intermediate", "--ca", "dev-1.pem", "--ca-key", "dev-1-key.pem")
                .assertBadInput("--ca");

        assertThat(result.err()).contains("not a CA certificate");
    }

    @Test
    void intermediate_whenCaFileIsNotPem_thenExits2NamingCa() throws Exception {
        Files.writeString(dir.resolve("garbage.pem"), "hello\n");

        run(dir, "cert", "intermediate", "--ca", "garbage.pem", "--ca-key", "ca-key.pem").assertBadInput("--ca");
    }

    @Test
    void intermediate_withBadOptions_thenExits2NamingThem() {
        run(dir, "cert", "intermediate", "--ca-key", "ca-key.pem").assertBadInput("--ca");
        run(dir, "cert", "intermediate", "--ca", "ca.pem").assertBadInput("--ca-key");
        run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--path-length", "-1")
                .assertBadInput("--path-length");
        run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--out-cert", "ca.pem", "--force")
                .assertBadInput("--out-cert");
        run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--out-key", "ca-key.pem",
                "--force").assertBadInput("--out-key");
        assertThat(dir.resolve("intermediate.pem")).doesNotExist();
    }

    private static byte[] subjectKeyId(X509Certificate certificate) {
        return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId())).getOctets()).getKeyIdentifier();
    }

    private static byte[] authorityKeyId(X509Certificate certificate) {
        return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId())).getOctets())
                .getKeyIdentifier();
    }
}
