package io.dpsemu.server.x509;

import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.X509Attestation;
import io.dpsemu.protocol.enrollment.X509CertificateWithInfo;
import io.dpsemu.protocol.enrollment.X509Certificates;
import io.dpsemu.server.tls.Pem;

/**
 * Checks the X.509 part of an enrollment document as it is written and fills in the {@code info}
 * block DPS computes for each certificate, so reads return it as the service API does.
 */
public final class X509Enrollments {

    private X509Enrollments() {
    }

    /**
     * The attestation with every certificate's info computed.
     *
     * @param group whether the document is an enrollment group (signing certificates or CA
     *              references) rather than an individual enrollment (client certificates)
     * @throws IllegalArgumentException naming the field when a certificate is missing or not PEM
     */
    public static AttestationMechanism withInfo(AttestationMechanism attestation, boolean group) {
        if (attestation == null || attestation.type() != AttestationType.X509) {
            return attestation;
        }
        X509Attestation x509 = attestation.x509();
        if (x509 == null) {
            throw new IllegalArgumentException("attestation.x509 is required for attestation type x509");
        }
        X509Attestation completed;
        if (group) {
            if (x509.signingCertificates() == null && x509.caReferences() == null) {
                throw new IllegalArgumentException(
                        "attestation.x509 of a group needs signingCertificates or caReferences");
            }
            if (x509.caReferences() != null && (x509.caReferences().primary() == null
                    || x509.caReferences().primary().isBlank())) {
                throw new IllegalArgumentException("attestation.x509.caReferences.primary is required: the name of a"
                        + " registered CA certificate");
            }
            completed = new X509Attestation(null, withInfo(x509.signingCertificates(), "signingCertificates", true),
                    x509.caReferences());
        } else {
            if (x509.clientCertificates() == null) {
                throw new IllegalArgumentException(
                        "attestation.x509.clientCertificates is required for an individual enrollment");
            }
            completed = new X509Attestation(withInfo(x509.clientCertificates(), "clientCertificates", false), null,
                    null);
        }
        return new AttestationMechanism(AttestationType.X509, null, completed, null);
    }

    private static X509Certificates withInfo(X509Certificates certificates, String field, boolean signing) {
        if (certificates == null) {
            return null;
        }
        if (certificates.primary() == null) {
            throw new IllegalArgumentException("attestation.x509." + field + ".primary is required");
        }
        return new X509Certificates(withInfo(certificates.primary(), field + ".primary", signing),
                withInfo(certificates.secondary(), field + ".secondary", signing));
    }

    private static X509CertificateWithInfo withInfo(X509CertificateWithInfo certificate, String field,
            boolean signing) {
        if (certificate == null) {
            return null;
        }
        String where = "attestation.x509." + field + ".certificate";
        java.security.cert.X509Certificate parsed;
        try {
            parsed = Pem.parseCertificate(certificate.certificate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        if (signing && parsed.getBasicConstraints() < 0) {
            throw new IllegalArgumentException(where + ": " + CertificateFacts.describe(parsed)
                    + " is not a CA certificate, so it cannot sign device certificates");
        }
        return new X509CertificateWithInfo(certificate.certificate(), CertificateFacts.info(parsed));
    }
}
