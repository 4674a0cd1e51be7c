package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A certificate the server signed for a device, as the service API's registration state lists it
 * (a dpsemu extension): its facts without the certificate body. {@code supersededDateTimeUtc} is
 * set only in {@code supersededCertificates}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IssuedCertificateState(
        String credentialPolicyName,
        String serialNumber,
        String sha256Thumbprint,
        String subjectName,
        Instant notBeforeUtc,
        Instant notAfterUtc,
        Instant issuedDateTimeUtc,
        Instant supersededDateTimeUtc) {
}
