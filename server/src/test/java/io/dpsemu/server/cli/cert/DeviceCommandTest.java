package io.dpsemu.server.cli.cert;

import static io.dpsemu.server.cli.cert.CertCli.certificate;
import static io.dpsemu.server.cli.cert.CertCli.certificates;
import static io.dpsemu.server.cli.cert.CertCli.keyBelongsTo;
import static io.dpsemu.server.cli.cert.CertCli.permissions;
import static io.dpsemu.server.cli.cert.CertCli.pkcs8Key;
import static io.dpsemu.server.cli.cert.CertCli.posix;
import static io.dpsemu.server.cli.cert.CertCli.run;
import static io.dpsemu.server.cli.cert.CertCli.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceCommandTest {

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path dir;

    private X509Certificate root;

    @BeforeEach
    void makeRoot() {
        run(dir, "cert", "ca").assertSucceeded();
        root = certificate(dir.resolve("ca.pem"));
    }

    @Test
    void device_signedByTheRoot_thenWritesLeafAloneToCnPemAndCnKeyPem() throws Exception {
        Instant now = Instant.now();

        CertCli.Result result =
                run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--cn", "device-01")
                .assertSucceeded();

        X509Certificate device = certificate(dir.resolve("device-01.pem"));
        assertThat(device.getSubjectX500Principal().getName()).isEqualTo("CN=device-01");
        assertThat(device.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        assertThat(device.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(device.getBasicConstraints()).isEqualTo(-1);
        assertThat(device.getKeyUsage()).containsExactly(true, false, false, false, false, false, false, false, false);
        assertThat(device.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(device.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(
                Extension.basicConstraints.getId(), Extension.keyUsage.getId());
        assertThat(device.getSubjectAlternativeNames()).as("no SAN: some SDKs would prefer a DNS name to the CN")
                .isNull();
        assertThat(authorityKeyId(device)).isEqualTo(subjectKeyId(root));
        assertThat(device.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
        assertThat(device.getNotBefore().toInstant()).isBetween(
                now.minus(Duration.ofMinutes(61)), now.minus(Duration.ofMinutes(59)));
        assertThat(device.getNotAfter().toInstant()).isBetween(
                now.plus(Duration.ofDays(365)).minusSeconds(60), now.plus(Duration.ofDays(365)).plusSeconds(60));
        assertThat(keyBelongsTo(pkcs8Key(dir.resolve("device-01-key.pem"), "EC"), device)).isTrue();
        if (posix(dir)) {
            assertThat(permissions(dir.resolve("device-01-key.pem"))).isEqualTo("rw-------");
        }
        validate(List.of(device), root);
        assertThat(result.out()).contains(dir.resolve("device-01.pem").toString(),
                dir.resolve("device-01-key.pem").toString(), "CN=device-01").doesNotContain("followed by");
        assertThat(result.err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ec", "rsa"})
    void device_signedByAnIntermediate_thenFileIsLeafPlusIntermediateAndPkixValidatesToRootAndToIntermediate(
            String keyType) throws Exception {
        run(dir, "cert", "ca", "--key-type", keyType, "--out-cert", "root.pem", "--out-key", "root-key.pem")
                .assertSucceeded();
        run(dir, "cert", "intermediate", "--ca", "root.pem", "--ca-key", "root-key.pem", "--key-type", keyType)
                .assertSucceeded();

        CertCli.Result result = run(dir, "cert", "device", "--ca", "intermediate.pem", "--ca-key",
                "intermediate-key.pem", "--cn", "sensor-7", "--key-type", keyType).assertSucceeded();

        X509Certificate keyRoot = certificate(dir.resolve("root.pem"));
        X509Certificate intermediate = certificate(dir.resolve("intermediate.pem"));
        List<X509Certificate> file = certificates(dir.resolve("sensor-7.pem"));
        assertThat(file).hasSize(2);
        assertThat(file.get(1)).isEqualTo(intermediate);
        assertThat(validate(file, keyRoot).getTrustAnchor().getTrustedCert()).isEqualTo(keyRoot);
        assertThat(validate(file.subList(0, 1), intermediate).getPublicKey()).isEqualTo(file.get(0).getPublicKey());
        assertThat(keyBelongsTo(pkcs8Key(dir.resolve("sensor-7-key.pem"), keyType.toUpperCase()), file.get(0)))
                .isTrue();
        assertThat(result.out()).contains("followed by", "CN=dpsemu test intermediate CA");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void device_withRsaKey_thenKeyUsageAddsKeyEncipherment() {
        run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--cn", "rsa-device",
                "--key-type", "rsa").assertSucceeded();

        X509Certificate device = certificate(dir.resolve("rsa-device.pem"));
        assertThat(((RSAPublicKey) device.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(device.getKeyUsage()).containsExactly(true, false, true, false, false, false, false, false, false);
        assertThat(device.getSigAlgName()).as("signed by the EC root").isEqualTo("SHA256withECDSA");
    }

    @Test
    void device_underTwoIntermediatesWithChain_thenFileIsLeafIntermediatesInOrderWithoutRoot() throws Exception {
        run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--path-length", "1",
                "--cn", "level 1", "--out-cert", "level1.pem", "--out-key", "level1-key.pem").assertSucceeded();
        run(dir, "cert", "intermediate", "--ca", "level1.pem", "--ca-key", "level1-key.pem",
                "--cn", "level 2", "--out-cert", "level2.pem", "--out-key", "level2-key.pem").assertSucceeded();

        CertCli.Result result = run(dir, "cert", "device", "--ca", "level2.pem", "--ca-key", "level2-key.pem",
                "--cn", "deep-device", "--chain", "level1.pem", "--chain", "ca.pem", "level2.pem").assertSucceeded();

        List<X509Certificate> file = certificates(dir.resolve("deep-device.pem"));
        assertThat(file).extracting(certificate -> certificate.getSubjectX500Principal().getName())
                .containsExactly("CN=deep-device", "CN=level 2", "CN=level 1");
        validate(file, root);
        assertThat(result.err()).contains("left out the root CN=dpsemu test root CA").doesNotContain("warning");
    }

    @Test
    void device_withChainFilesOutOfOrder_thenWritesThemAndWarns() {
        run(dir, "cert", "intermediate", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--cn", "unrelated")
                .assertSucceeded();

        CertCli.Result result = run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--cn", "d1",
                "--chain", "intermediate.pem").assertSucceeded();

        assertThat(certificates(dir.resolve("d1.pem"))).hasSize(2);
        assertThat(result.err()).startsWith("warning: CN=unrelated").contains("did not issue CN=d1");
    }

    @Test
    void device_withNotBeforeInTheFuture_thenIsNotYetValidAndFailsPkixNow() {
        CertCli.Result result = run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--cn", "early",
                "--not-before", "2099-01-01T00:00:00Z", "--days", "1").assertSucceeded();

        X509Certificate device = certificate(dir.resolve("early.pem"));
        assertThat(device.getNotBefore().toInstant()).isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));
        assertThatThrownBy(device::checkValidity).isInstanceOf(CertificateNotYetValidException.class);
        assertThatThrownBy(() -> validate(List.of(device), root)).isInstanceOf(CertPathValidatorException.class);
        assertThat(result.out()).contains("(not yet valid)");
        assertThat(result.err()).as("outlives the root").contains("warning: ");
    }

    @Test
    void device_withNotBeforeInThePast_thenIsExpired() {
        run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--cn", "late",
                "--not-before", "2021-03-01T08:00:00Z", "--days", "7").assertSucceeded();

        X509Certificate device = certificate(dir.resolve("late.pem"));
        assertThat(device.getNotAfter().toInstant()).isEqualTo(Instant.parse("2021-03-08T08:00:00Z"));
        assertThatThrownBy(device::checkValidity).isInstanceOf(CertificateExpiredException.class);
    }

    @Test
    void device_withTheLongestAllowedRegistrationIdAndEveryAllowedCharacter_thenSucceeds() {
        String longest = "a".repeat(63) + "Z";
        run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--cn", longest).assertSucceeded();
        run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--cn", "Bench_3.line:7-a")
                .assertSucceeded();

        assertThat(certificate(dir.resolve(longest + ".pem")).getSubjectX500Principal().getName())
                .isEqualTo("CN=" + longest);
        assertThat(certificate(dir.resolve("Bench_3.line:7-a.pem")).getSubjectX500Principal().getName())
                .isEqualTo("CN=Bench_3.line:7-a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "line/7", "line\\7", "dev 1", "dev,1", "dév", "ends-with.", "dev\n1"})
    void device_withAnInvalidRegistrationId_thenExits2NamingCnAndWritesNothing(String registrationId) {
        run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--cn", registrationId)
                .assertBadInput("--cn");

        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("ca.pem", "ca-key.pem");
    }

    @Test
    void device_withARegistrationIdOver64Characters_thenExits2SayingTheLimit() {
        CertCli.Result result = run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem",
                "--cn", "a".repeat(65)).assertBadInput("--cn");

        assertThat(result.err()).contains("65", "64");
    }

    @Test
    void device_withoutCn_thenExits2NamingIt() {
        run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem").assertBadInput("--cn");
    }

    @Test
    void device_whenCaFileIsMissing_thenExits2NamingOptionAndFile() {
        CertCli.Result result = run(dir, "cert", "device", "--ca", "missing/ca.pem", "--ca-key", "ca-key.pem",
                "--cn", "d2").assertBadInput("--ca");

        assertThat(result.err()).contains(dir.resolve("missing/ca.pem").toString());
        assertThat(dir.resolve("d2.pem")).doesNotExist();
    }

    @Test
    void device_whenAChainFileIsMissing_thenExits2NamingChainAndWritesNothing() {
        CertCli.Result result = run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem",
                "--cn", "d3", "--chain", "gone.pem").assertBadInput("--chain");

        assertThat(result.err()).contains(dir.resolve("gone.pem").toString());
        assertThat(dir.resolve("d3.pem")).doesNotExist();
        assertThat(dir.resolve("d3-key.pem")).doesNotExist();
    }

    @Test
    void device_whenSignedByADevice_thenExits2NamingCa() {
        run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--cn", "d4").assertSucceeded();

        run(dir, "cert", "device", "--ca", "d4.pem", "--ca-key", "d4-key.pem", "--cn", "d5").assertBadInput("--ca");
    }

    @Test
    void device_withExplicitOutputFiles_thenWritesThere() {
        run(dir, "cert", "device", "--ca", "ca.pem", "--ca-key", "ca-key.pem", "--cn", "d6",
                "--out-cert", "out/chain.pem", "--out-key", "out/key.pem").assertSucceeded();

        assertThat(certificate(dir.resolve("out/chain.pem")).getSubjectX500Principal().getName()).isEqualTo("CN=d6");
        assertThat(dir.resolve("out/key.pem")).isRegularFile();
        assertThat(dir.resolve("d6.pem")).doesNotExist();
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
