package io.dpsemu.server.issuance;

import io.dpsemu.server.x509.CertificateFacts;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * A certificate a credential policy signed for a device.
 *
 * @param certificate the device's certificate
 * @param chain       the certificate first, then each issuer, ending with the root
 */
public record IssuedCertificate(X509Certificate certificate, List<X509Certificate> chain) {

    public IssuedCertificate {
        chain = List.copyOf(chain);
    }

    /** Upper-case hex, as in the service API's certificate info. */
    public String serialNumber() {
        return CertificateFacts.serialNumber(certificate);
    }

    /** Upper-case hex SHA-256 of the DER: what a later TLS client certificate is compared by. */
    public String sha256Thumbprint() {
        return CertificateFacts.sha256(certificate);
    }

    /** Each certificate of {@link #chain} as base64 DER: the wire form of {@code issuedCertificateChain}. */
    public List<String> chainBase64() {
        return chain.stream().map(IssuedCertificate::base64).toList();
    }

    private static String base64(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode " + CertificateFacts.describe(certificate), e);
        }
    }
}
