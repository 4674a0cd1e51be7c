package io.dpsemu.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CertificateIssuerTest {

    private static final Instant NOT_BEFORE = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant NOT_AFTER = Instant.parse("2031-01-01T00:00:00Z");

    @Test
    void newKeyPair_thenGivesP256OrRsa2048() {
        assertThat(((ECPublicKey) CertificateIssuer.newKeyPair(KeyType.EC).getPublic())
                .getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(((RSAPublicKey) CertificateIssuer.newKeyPair(KeyType.RSA).getPublic()).getModulus().bitLength())
                .isEqualTo(2048);
    }

    @Test
    void rootCa_thenUsesTheExactValidityAndSignsWithItsOwnKeyType() throws Exception {
        KeyPair rsa = CertificateIssuer.newKeyPair(KeyType.RSA);

        X509Certificate root = CertificateIssuer.rootCa(rsa, "root", NOT_BEFORE, NOT_AFTER);

        assertThat(root.getNotBefore().toInstant()).isEqualTo(NOT_BEFORE);
        assertThat(root.getNotAfter().toInstant()).isEqualTo(NOT_AFTER);
        assertThat(root.getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(root.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
        root.verify(rsa.getPublic());
    }

    @Test
    void selfSignedCa_thenIsBackdatedOneHourAsBefore() {
        Instant now = Instant.parse("2030-05-05T05:05:05Z");

        X509Certificate ca =
                CertificateIssuer.selfSignedCa(CertificateIssuer.newP256KeyPair(), "ca", now, Duration.ofDays(2));

        assertThat(ca.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofHours(1)));
        assertThat(ca.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(2)));
        assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
    }

    @Test
    void intermediateCa_thenCarriesThePathLengthAndTheIssuerNameByteForByte() throws Exception {
        KeyPair rootKeys = CertificateIssuer.newKeyPair(KeyType.EC);
        X509Certificate root = CertificateIssuer.rootCa(rootKeys, "root, with a comma", NOT_BEFORE, NOT_AFTER);
        KeyPair keys = CertificateIssuer.newKeyPair(KeyType.EC);

        X509Certificate intermediate = CertificateIssuer.intermediateCa(keys.getPublic(), "intermediate", 3, root,
                rootKeys.getPrivate(), NOT_BEFORE, NOT_AFTER);

        assertThat(intermediate.getBasicConstraints()).isEqualTo(3);
        assertThat(intermediate.getIssuerX500Principal().getEncoded())
                .isEqualTo(root.getSubjectX500Principal().getEncoded());
        intermediate.verify(rootKeys.getPublic());
    }

    @Test
    void intermediateCa_withNegativePathLength_thenThrows() {
        KeyPair rootKeys = CertificateIssuer.newKeyPair(KeyType.EC);
        X509Certificate root = CertificateIssuer.rootCa(rootKeys, "root", NOT_BEFORE, NOT_AFTER);

        assertThatThrownBy(() -> CertificateIssuer.intermediateCa(rootKeys.getPublic(), "x", -1, root,
                rootKeys.getPrivate(), NOT_BEFORE, NOT_AFTER)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deviceCertificate_thenIsAClientAuthLeafWithKeyUsageByKeyType() throws Exception {
        KeyPair rootKeys = CertificateIssuer.newKeyPair(KeyType.RSA);
        X509Certificate root = CertificateIssuer.rootCa(rootKeys, "root", NOT_BEFORE, NOT_AFTER);

        X509Certificate ec = CertificateIssuer.deviceCertificate(CertificateIssuer.newKeyPair(KeyType.EC).getPublic(),
                "dev-ec", root, rootKeys.getPrivate(), NOT_BEFORE, NOT_AFTER);
        X509Certificate rsa = CertificateIssuer.deviceCertificate(CertificateIssuer.newKeyPair(KeyType.RSA).getPublic(),
                "dev-rsa", root, rootKeys.getPrivate(), NOT_BEFORE, NOT_AFTER);

        assertThat(ec.getSubjectX500Principal().getName()).isEqualTo("CN=dev-ec");
        assertThat(ec.getBasicConstraints()).isEqualTo(-1);
        assertThat(ec.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(ec.getKeyUsage()).startsWith(true, false, false, false);
        assertThat(rsa.getKeyUsage()).startsWith(true, false, true, false);
        assertThat(ec.getSigAlgName()).isEqualTo("SHA256withRSA");
        ec.verify(rootKeys.getPublic());
    }

    @Test
    void builder_whenNotAfterIsNotAfterNotBefore_thenThrows() {
        KeyPair keys = CertificateIssuer.newP256KeyPair();

        assertThatThrownBy(() -> CertificateIssuer.rootCa(keys, "ca", NOT_AFTER, NOT_BEFORE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keyMaterialMatches_thenComparesKeyAndCertificate() {
        KeyPair keys = CertificateIssuer.newP256KeyPair();
        X509Certificate certificate = CertificateIssuer.rootCa(keys, "ca", NOT_BEFORE, NOT_AFTER);

        assertThat(KeyMaterial.matches(keys.getPrivate(), certificate)).isTrue();
        assertThat(KeyMaterial.matches(CertificateIssuer.newP256KeyPair().getPrivate(), certificate)).isFalse();
        assertThat(KeyMaterial.matches(CertificateIssuer.newKeyPair(KeyType.RSA).getPrivate(), certificate)).isFalse();
    }
}
