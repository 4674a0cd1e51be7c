package io.dpsemu.server.tls;

import static io.dpsemu.server.x509.TestCertificates.intermediate;
import static io.dpsemu.server.x509.TestCertificates.leaf;
import static io.dpsemu.server.x509.TestCertificates.pem;
import static io.dpsemu.server.x509.TestCertificates.root;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.Test;

class PemTest {

    private final X509Bundle root = root("Root");
    private final X509Bundle intermediate = intermediate("Intermediate", root);
    private final X509Bundle leaf = leaf("device-1", intermediate);

    @Test
    void parseCertificates_whenOneCertificate_thenIt() {
        assertThat(Pem.parseCertificates(pem(leaf))).containsExactly(leaf.getCertificate());
    }

    @Test
    void parseCertificates_whenSeveralCertificates_thenAllInOrder() {
        assertThat(Pem.parseCertificates(pem(leaf) + pem(intermediate) + pem(root)))
                .containsExactly(leaf.getCertificate(), intermediate.getCertificate(), root.getCertificate());
    }

    @Test
    void parseCertificates_whenSurroundingWhitespaceAndCrLf_thenParsed() {
        String windows = "\r\n  " + pem(leaf).replace("\n", "\r\n") + "\r\n\r\n";

        assertThat(Pem.parseCertificates(windows)).containsExactly(leaf.getCertificate());
    }

    @Test
    void parseCertificates_whenTextBeforeTheBlock_thenSkipped() {
        String annotated = "subject=CN=device-1\nissuer=CN=Intermediate\n" + pem(leaf);

        assertThat(Pem.parseCertificates(annotated)).containsExactly(leaf.getCertificate());
    }

    @Test
    void parseCertificate_whenSeveral_thenTheFirst() {
        assertThat(Pem.parseCertificate(pem(intermediate) + pem(root))).isEqualTo(intermediate.getCertificate());
    }

    @Test
    void parseCertificates_whenNullOrBlank_thenIllegalArgumentNamingEmptiness() {
        assertThatThrownBy(() -> Pem.parseCertificates(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Pem.parseCertificates("  \n "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void parseCertificates_whenGarbage_thenIllegalArgument() {
        assertThatThrownBy(() -> Pem.parseCertificates("not a certificate"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid certificate");
        assertThatThrownBy(() -> Pem.parseCertificates("{not: base64}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no certificate");
    }

    @Test
    void parseCertificates_whenTruncated_thenIllegalArgument() {
        String text = pem(leaf);

        assertThatThrownBy(() -> Pem.parseCertificates(text.substring(0, text.length() / 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no certificate");
        assertThatThrownBy(() -> Pem.parseCertificates("-----BEGIN CERTIFICATE-----"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseCertificates_whenBodyIsNotBase64_thenIllegalArgument() {
        assertThatThrownBy(() -> Pem.parseCertificates("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseCertificate_whenGarbage_thenIllegalArgument() {
        assertThatThrownBy(() -> Pem.parseCertificate("garbage")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseCertificates_whenAPrivateKeyBlockIsBundled_thenOnlyTheCertificatesAreRead() {
        String text = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
                + "-----END PRIVATE KEY-----\n"
                + pem(leaf);

        assertThat(Pem.parseCertificates(text)).containsExactly(leaf.getCertificate());
    }

    @Test
    void parseCertificates_whenBareBase64Der_thenTheCertificate() throws Exception {
        String base64 = java.util.Base64.getMimeEncoder().encodeToString(leaf.getCertificate().getEncoded());

        assertThat(Pem.parseCertificates(base64)).containsExactly(leaf.getCertificate());
    }
}
