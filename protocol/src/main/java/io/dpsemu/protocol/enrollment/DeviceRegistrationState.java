package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import java.time.Instant;
import java.util.List;

/**
 * A registration record as the service API shows it (docs/protocol-notes.md#registration-records).
 * {@code initialTwin} and {@code capabilities} are dpsemu's additions: what the device's hub
 * identity would hold (the service SDKs ignore fields they do not know), and so are
 * {@code issuedCertificate} and {@code supersededCertificates}: the certificates the server signed for
 * the device from its certificate signing requests, current and replaced (most recent first).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceRegistrationState(
        String registrationId,
        Instant createdDateTimeUtc,
        String assignedHub,
        String deviceId,
        RegistrationStatus status,
        RegistrationSubstatus substatus,
        Integer errorCode,
        String errorMessage,
        Instant lastUpdatedDateTimeUtc,
        String etag,
        JsonNode payload,
        JsonNode initialTwin,
        DeviceCapabilities capabilities,
        IssuedCertificateState issuedCertificate,
        List<IssuedCertificateState> supersededCertificates) {
}
