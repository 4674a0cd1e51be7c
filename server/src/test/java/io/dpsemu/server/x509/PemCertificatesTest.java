package io.dpsemu.server.x509;

import static io.dpsemu.server.x509.TestCertificates.intermediate;
import static io.dpsemu.server.x509.TestCertificates.leaf;
import static io.dpsemu.server.x509.TestCertificates.pem;
import static io.dpsemu.server.x509.TestCertificates.root;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.Test;

class PemCertificatesTest {

    private final X509Bundle root = root("Root");
    private final X509Bundle intermediate = intermediate("Intermediate", root);
    private final X509Bundle leaf = leaf("device-1", intermediate);

    @Test
    void parse_whenOneCertificate_thenIt() {
        assertThat(PemCertificates.parse(pem(leaf))).containsExactly(leaf.getCertificate());
    }

    @Test
    void parse_whenSeveralCertificates_thenAllInOrder() {
        assertThat(PemCertificates.parse(pem(leaf) + pem(intermediate) + pem(root)))
                .containsExactly(leaf.getCertificate(), intermediate.getCertificate(), root.getCertificate());
    }

    @Test
    void parse_whenSurroundingWhitespaceAndCrLf_thenParsed() {
        String windows = "\r\n  " + pem(leaf).replace("\n", "\r\n") + "\r\n\r\n";

        assertThat(PemCertificates.parse(windows)).containsExactly(leaf.getCertificate());
    }

    @Test
    void parse_whenTextBeforeTheBlock_thenSkipped() {
        String annotated = "subject=CN=device-1\nissuer=CN=Intermediate\n" + pem(leaf);

        assertThat(PemCertificates.parse(annotated)).containsExactly(leaf.getCertificate());
    }

    @Test
    void parseOne_whenSeveral_thenTheFirst() {
        assertThat(PemCertificates.parseOne(pem(intermediate) + pem(root))).isEqualTo(intermediate.getCertificate());
    }

    @Test
    void parse_whenNullOrBlank_thenIllegalArgumentNamingEmptiness() {
        assertThatThrownBy(() -> PemCertificates.parse(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> PemCertificates.parse("  \n "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void parse_whenGarbage_thenIllegalArgument() {
        assertThatThrownBy(() -> PemCertificates.parse("not a certificate"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid certificate");
        assertThatThrownBy(() -> PemCertificates.parse("{not: base64}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no certificate");
    }

    @Test
    void parse_whenTruncated_thenIllegalArgument() {
        String text = pem(leaf);

        assertThatThrownBy(() -> PemCertificates.parse(text.substring(0, text.length() / 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no certificate");
        assertThatThrownBy(() -> PemCertificates.parse("-----BEGIN CERTIFICATE-----"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parse_whenBodyIsNotBase64_thenIllegalArgument() {
        assertThatThrownBy(() -> PemCertificates.parse("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseOne_whenGarbage_thenIllegalArgument() {
        assertThatThrownBy(() -> PemCertificates.parseOne("garbage")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parse_whenAPrivateKeyBlockIsBundled_thenOnlyTheCertificatesAreRead() {
        String text = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
                + "-----END PRIVATE KEY-----\n"
                + pem(leaf);

        assertThat(PemCertificates.parse(text)).containsExactly(leaf.getCertificate());
    }

    @Test
    void parse_whenBareBase64Der_thenTheCertificate() throws Exception {
        String base64 = java.util.Base64.getMimeEncoder().encodeToString(leaf.getCertificate().getEncoded());

        assertThat(PemCertificates.parse(base64)).containsExactly(leaf.getCertificate());
    }
}
