package io.dpsemu.server.x509;

import static io.dpsemu.server.x509.TestCertificates.NOT_AFTER;
import static io.dpsemu.server.x509.TestCertificates.NOT_BEFORE;
import static io.dpsemu.server.x509.TestCertificates.build;
import static io.dpsemu.server.x509.TestCertificates.device;
import static io.dpsemu.server.x509.TestCertificates.intermediate;
import static io.dpsemu.server.x509.TestCertificates.root;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.model.X509CertificateInfo;
import io.netty.pkitesting.X509Bundle;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CertificateFactsTest {

    private final X509Bundle root = root("Contoso Root");
    private final X509Bundle issuer = intermediate("Contoso Intermediate", root);

    private X509Certificate deviceWithSubject(String subject) {
        return build(() -> device("ignored").subject(subject).buildIssuedBy(issuer)).getCertificate();
    }

    private static String hex(String algorithm, X509Certificate certificate) throws Exception {
        return HexFormat.of().withUpperCase().formatHex(
                MessageDigest.getInstance(algorithm).digest(certificate.getEncoded()));
    }

    // ----- info ------------------------------------------------------------------------------

    @Test
    void info_hasAllEightFieldsComputedFromTheCertificate() throws Exception {
        X509Certificate certificate = deviceWithSubject("CN=device-1, O=Contoso, C=US");

        X509CertificateInfo info = CertificateFacts.info(certificate);

        assertThat(info.subjectName()).isEqualTo("CN=device-1,O=Contoso,C=US");
        assertThat(info.issuerName()).isEqualTo("CN=Contoso Intermediate");
        assertThat(info.sha1Thumbprint()).isEqualTo(hex("SHA-1", certificate)).hasSize(40).matches("[0-9A-F]+");
        assertThat(info.sha256Thumbprint()).isEqualTo(hex("SHA-256", certificate)).hasSize(64)
                .matches("[0-9A-F]+");
        assertThat(info.notBeforeUtc()).isEqualTo(certificate.getNotBefore().toInstant()).isEqualTo(NOT_BEFORE);
        assertThat(info.notAfterUtc()).isEqualTo(certificate.getNotAfter().toInstant()).isEqualTo(NOT_AFTER);
        assertThat(info.serialNumber()).matches("[0-9A-F]+");
        assertThat(new BigInteger(info.serialNumber(), 16)).isEqualTo(certificate.getSerialNumber());
        assertThat(info.version()).isEqualTo(3);
        assertThat(info).hasNoNullFieldsOrProperties();
    }

    @Test
    void info_ofASelfSignedRoot_namesItselfAsIssuer() {
        X509CertificateInfo info = CertificateFacts.info(root.getCertificate());

        assertThat(info.subjectName()).isEqualTo("CN=Contoso Root");
        assertThat(info.issuerName()).isEqualTo("CN=Contoso Root");
        assertThat(info).hasNoNullFieldsOrProperties();
    }

    @Test
    void info_serialNumber_isTheHexOfTheDerIntegerIncludingItsSignPadding() {
        X509Certificate small = build(() -> device("device-1").serial(BigInteger.valueOf(0x1A2B))
                .buildIssuedBy(issuer)).getCertificate();
        X509Certificate highBit = build(() -> device("device-1").serial(BigInteger.valueOf(0x80))
                .buildIssuedBy(issuer)).getCertificate();

        assertThat(CertificateFacts.info(small).serialNumber()).isEqualTo("1A2B");
        assertThat(CertificateFacts.info(highBit).serialNumber()).isEqualTo("0080");
    }

    @Test
    void info_escapesSpecialCharactersInNamesAsRfc2253() {
        X509Certificate certificate = deviceWithSubject("CN=device\\,1, O=Contoso\\+Partners");

        assertThat(CertificateFacts.info(certificate).subjectName()).isEqualTo("CN=device\\,1,O=Contoso\\+Partners");
    }

    @Test
    void sha256_equalsTheInfoThumbprint() {
        X509Certificate certificate = issuer.getCertificate();

        assertThat(CertificateFacts.sha256(certificate))
                .isEqualTo(CertificateFacts.info(certificate).sha256Thumbprint());
        assertThat(CertificateFacts.sha256(certificate)).isNotEqualTo(CertificateFacts.sha256(root.getCertificate()));
    }

    // ----- commonName --------------------------------------------------------------------------

    @Test
    void commonName_whenOnlyCn_thenItsValue() {
        assertThat(CertificateFacts.commonName(deviceWithSubject("CN=device-1"))).isEqualTo("device-1");
    }

    @Test
    void commonName_whenSeveralRdns_thenTheCnWhereverItIs() {
        assertThat(CertificateFacts.commonName(deviceWithSubject("CN=device-1, OU=Line 2, O=Contoso, C=US")))
                .isEqualTo("device-1");
        assertThat(CertificateFacts.commonName(deviceWithSubject("C=US, O=Contoso, CN=device-1")))
                .isEqualTo("device-1");
    }

    @Test
    void commonName_whenCnSharesAMultiValuedRdn_thenStillFound() {
        assertThat(CertificateFacts.commonName(deviceWithSubject("CN=device-1+O=Contoso, C=US")))
                .isEqualTo("device-1");
        assertThat(CertificateFacts.commonName(deviceWithSubject("C=US+CN=device-1"))).isEqualTo("device-1");
        assertThat(CertificateFacts.commonName(deviceWithSubject("CN=device-1+SERIALNUMBER=1234, O=Contoso")))
                .isEqualTo("device-1");
    }

    @Test
    void commonName_whenTwoCns_thenTheMostSpecificOne() {
        // RFC 2253 writes the most specific RDN first; that CN names the device.
        assertThat(CertificateFacts.commonName(deviceWithSubject("CN=device-1, CN=Devices, O=Contoso")))
                .isEqualTo("device-1");
    }

    @Test
    void commonName_whenEscapedCharacters_thenUnescaped() {
        assertThat(CertificateFacts.commonName(deviceWithSubject("CN=device\\,1"))).isEqualTo("device,1");
    }

    @Test
    void commonName_whenNoCn_thenNull() {
        assertThat(CertificateFacts.commonName(deviceWithSubject("O=Contoso, C=US"))).isNull();
    }

    @Test
    void describe_quotesTheSubject() {
        assertThat(CertificateFacts.describe(deviceWithSubject("CN=device-1, O=Contoso")))
                .isEqualTo("'CN=device-1,O=Contoso'");
    }
}
