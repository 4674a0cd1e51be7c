package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A primary and an optional secondary certificate. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record X509Certificates(X509CertificateWithInfo primary, X509CertificateWithInfo secondary) {
}
