package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code attestation.x509}: {@code clientCertificates} for an individual enrollment (the leaf),
 * {@code signingCertificates} or {@code caReferences} for a group.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record X509Attestation(
        X509Certificates clientCertificates,
        X509Certificates signingCertificates,
        X509CaReferences caReferences) {
}
