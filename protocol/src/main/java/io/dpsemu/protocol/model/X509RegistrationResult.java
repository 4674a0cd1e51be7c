package io.dpsemu.protocol.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code registrationState.x509}. When a certificate info is present all eight of its fields must
 * be (the Java SDK rejects partial info).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record X509RegistrationResult(
        X509CertificateInfo certificateInfo,
        String enrollmentGroupId,
        X509CertificateInfo signingCertificateInfo) {
}
