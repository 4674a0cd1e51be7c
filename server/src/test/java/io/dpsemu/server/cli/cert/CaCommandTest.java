package io.dpsemu.server.cli.cert;

import static io.dpsemu.server.cli.cert.CertCli.certificate;
import static io.dpsemu.server.cli.cert.CertCli.keyBelongsTo;
import static io.dpsemu.server.cli.cert.CertCli.permissions;
import static io.dpsemu.server.cli.cert.CertCli.pkcs8Key;
import static io.dpsemu.server.cli.cert.CertCli.posix;
import static io.dpsemu.server.cli.cert.CertCli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaCommandTest {

    private static final String BASIC_CONSTRAINTS = Extension.basicConstraints.getId();
    private static final String KEY_USAGE = Extension.keyUsage.getId();
    /** digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyAgreement, keyCertSign, cRLSign, ... */
    private static final boolean[] CA_KEY_USAGE = {false, false, false, false, false, true, true, false, false};

    @TempDir
    Path dir;

    @Test
    void ca_withDefaults_thenWritesAnEcP256RootToCaPemAndCaKeyPem() throws Exception {
        Instant now = Instant.now();

        CertCli.Result result = run(dir, "cert", "ca").assertSucceeded();

        X509Certificate ca = certificate(dir.resolve("ca.pem"));
        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=dpsemu test root CA");
        assertThat(ca.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        ca.verify(ca.getPublicKey());
        assertThat(((ECPublicKey) ca.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(ca.getBasicConstraints()).as("CA without a path length limit").isEqualTo(Integer.MAX_VALUE);
        assertThat(ca.getKeyUsage()).containsExactly(CA_KEY_USAGE);
        assertThat(ca.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(BASIC_CONSTRAINTS, KEY_USAGE);
        assertThat(ca.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
        assertThat(ca.getNotBefore().toInstant()).isBetween(
                now.minus(Duration.ofMinutes(61)), now.minus(Duration.ofMinutes(59)));
        assertThat(ca.getNotAfter().toInstant()).isBetween(
                now.plus(Duration.ofDays(3650)).minusSeconds(60), now.plus(Duration.ofDays(3650)).plusSeconds(60));
        assertThat(keyBelongsTo(pkcs8Key(dir.resolve("ca-key.pem"), "EC"), ca)).isTrue();
        assertThat(result.out()).contains(dir.resolve("ca.pem").toString(), dir.resolve("ca-key.pem").toString(),
                "CN=dpsemu test root CA", sha256(ca), ca.getNotBefore().toInstant().toString(),
                ca.getNotAfter().toInstant().toString(), "EC P-256");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void ca_thenKeyIsOwnerOnlyAndCertificateWorldReadable() {
        run(dir, "cert", "ca").assertSucceeded();
        if (posix(dir)) {
            assertThat(permissions(dir.resolve("ca-key.pem"))).isEqualTo("rw-------");
            assertThat(permissions(dir.resolve("ca.pem"))).isEqualTo("rw-r--r--");
        }
    }

    @Test
    void ca_withRsaAndOptions_thenWritesWhereAskedCreatingDirectories() throws Exception {
        Instant now = Instant.now();

        CertCli.Result result = run(dir, "cert", "ca", "--cn", "Plant 7, bench CA", "--key-type", "RSA",
                "--days", "30", "--out-cert", "pki/root.pem", "--out-key", dir.resolve("keys/root-key.pem").toString())
                .assertSucceeded();

        X509Certificate ca = certificate(dir.resolve("pki/root.pem"));
        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=Plant 7\\, bench CA");
        assertThat(((RSAPublicKey) ca.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(ca.getSigAlgName()).isEqualTo("SHA256withRSA");
        ca.verify(ca.getPublicKey());
        assertThat(ca.getNotAfter().toInstant()).isBetween(now.plus(Duration.ofDays(30)).minusSeconds(60),
                now.plus(Duration.ofDays(30)).plusSeconds(60));
        assertThat(keyBelongsTo(pkcs8Key(dir.resolve("keys/root-key.pem"), "RSA"), ca)).isTrue();
        assertThat(dir.resolve("ca.pem")).doesNotExist();
        assertThat(result.out()).contains("RSA 2048");
    }

    @Test
    void ca_withNotBeforeInTheFuture_thenCertificateIsNotYetValidAndDaysCountFromIt() {
        Instant start = Instant.parse("2100-01-01T00:00:00Z");

        CertCli.Result result = run(dir, "cert", "ca", "--not-before", "2100-01-01T00:00:00Z", "--days", "10")
                .assertSucceeded();

        X509Certificate ca = certificate(dir.resolve("ca.pem"));
        assertThat(ca.getNotBefore().toInstant()).isEqualTo(start);
        assertThat(ca.getNotAfter().toInstant()).isEqualTo(start.plus(Duration.ofDays(10)));
        assertThatThrownBy(ca::checkValidity).isInstanceOf(CertificateNotYetValidException.class);
        assertThat(result.out()).contains("(not yet valid)");
    }

    @Test
    void ca_withNotBeforeAsADateInThePast_thenCertificateIsExpired() {
        CertCli.Result result = run(dir, "cert", "ca", "--not-before", "2020-02-01", "--days", "1").assertSucceeded();

        X509Certificate ca = certificate(dir.resolve("ca.pem"));
        assertThat(ca.getNotBefore().toInstant()).isEqualTo(Instant.parse("2020-02-01T00:00:00Z"));
        assertThat(ca.getNotAfter().toInstant()).isEqualTo(Instant.parse("2020-02-02T00:00:00Z"));
        assertThatThrownBy(ca::checkValidity).isInstanceOf(CertificateExpiredException.class);
        assertThat(result.out()).contains("(expired)");
    }

    @Test
    void ca_withNotBeforeWithAnOffset_thenItIsConvertedToUtc() {
        run(dir, "cert", "ca", "--not-before", "2030-06-01T12:00:00+02:00").assertSucceeded();

        assertThat(certificate(dir.resolve("ca.pem")).getNotBefore().toInstant())
                .isEqualTo(Instant.parse("2030-06-01T10:00:00Z"));
    }

    @Test
    void ca_whenFilesExist_thenRefusesWithoutForceAndKeepsThem() throws Exception {
        run(dir, "cert", "ca").assertSucceeded();
        byte[] before = Files.readAllBytes(dir.resolve("ca.pem"));
        byte[] keyBefore = Files.readAllBytes(dir.resolve("ca-key.pem"));

        run(dir, "cert", "ca").assertBadInput("--out-cert");

        assertThat(Files.readAllBytes(dir.resolve("ca.pem"))).isEqualTo(before);
        assertThat(Files.readAllBytes(dir.resolve("ca-key.pem"))).isEqualTo(keyBefore);
        run(dir, "cert", "ca", "--force").assertSucceeded();
        assertThat(Files.readAllBytes(dir.resolve("ca.pem"))).isNotEqualTo(before);
    }

    @Test
    void ca_whenOnlyTheKeyExists_thenRefusesNamingOutKey() {
        run(dir, "cert", "ca", "--out-cert", "first.pem").assertSucceeded();

        run(dir, "cert", "ca").assertBadInput("--out-key");
        assertThat(dir.resolve("ca.pem")).doesNotExist();
    }

    @Test
    void ca_whenCertAndKeyAreTheSameFile_thenRefuses() {
        run(dir, "cert", "ca", "--out-cert", "both.pem", "--out-key", "./both.pem").assertBadInput("--out-key");
        assertThat(dir.resolve("both.pem")).doesNotExist();
    }

    @Test
    void ca_withBadOptionValues_thenExits2NamingTheOption() {
        run(dir, "cert", "ca", "--key-type", "dsa").assertBadInput("--key-type");
        run(dir, "cert", "ca", "--days", "0").assertBadInput("--days");
        run(dir, "cert", "ca", "--days", "ten").assertBadInput("--days");
        run(dir, "cert", "ca", "--days", "36501").assertBadInput("--days");
        run(dir, "cert", "ca", "--not-before", "tomorrow").assertBadInput("--not-before");
        run(dir, "cert", "ca", "--not-before", "9999-12-01T00:00:00Z", "--days", "60").assertBadInput("--not-before");
        run(dir, "cert", "ca", "--cn", "x".repeat(65)).assertBadInput("--cn");
        run(dir, "cert", "ca", "--cn", " ").assertBadInput("--cn");
        run(dir, "cert", "ca", "--cn", "tab\there").assertBadInput("--cn");
        run(dir, "cert", "ca", "--out-cert", ".").assertBadInput("--out-cert");

        assertThat(dir).isEmptyDirectory();
    }

    private static String sha256(X509Certificate certificate) throws Exception {
        return HexFormat.of().withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }
}
