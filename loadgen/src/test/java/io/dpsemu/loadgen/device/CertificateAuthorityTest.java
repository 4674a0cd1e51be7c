package io.dpsemu.loadgen.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

    @TempDir
    Path dir;

    @Test
    void issuedDevice_hasAClientLeafNamedByItsRegistrationIdSignedByTheCa() throws Exception {
        TestCa ca = TestCa.write(dir);

        Device device = CertificateAuthority.load(ca.certificate(), ca.key()).issue("line-7");

        X509Certificate leaf = device.certificateChain()[0];
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=line-7");
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        leaf.verify(ca.bundle().getCertificate().getPublicKey());
        assertThat(device.certificateChain()).hasSize(2);
        assertThat(device.certificateChain()[1]).isEqualTo(ca.bundle().getCertificate());
        assertThat(device.privateKey().getAlgorithm()).isEqualTo("EC");
        assertThat(device.sasToken("scope", Instant.now())).isNull();
    }

    @Test
    void keyOfAnotherCa_isRefusedNamingBothFiles() throws Exception {
        TestCa ca = TestCa.write(dir);
        Path other = Files.createDirectory(dir.resolve("other"));
        TestCa stranger = TestCa.write(other);

        assertThatThrownBy(() -> CertificateAuthority.load(ca.certificate(), stranger.key()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not the private key of the CA certificate in " + ca.certificate());
    }

    @Test
    void leafCertificateAsCa_isRefused() throws Exception {
        TestCa ca = TestCa.write(dir);
        Device device = CertificateAuthority.load(ca.certificate(), ca.key()).issue("not-a-ca");
        Path leaf = Files.writeString(dir.resolve("leaf.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(device.certificateChain()[0].getEncoded())
                + "\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> CertificateAuthority.load(leaf, ca.key()))
                .hasMessageContaining("is not a CA certificate");
    }
}
