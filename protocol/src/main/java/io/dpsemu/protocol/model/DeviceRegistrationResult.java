package io.dpsemu.protocol.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * {@code registrationState} of a device response (docs/protocol-notes.md#result-bodies). Null fields are not
 * written, so one record serves the short "assigning" state and the full terminal result.
 * {@code issuedCertificateChain} (api-version 2025-07-01-preview and later) answers a register request that
 * carried a CSR: base64 DER certificates, the issued leaf first, each followed by its issuer, ending with the
 * root. Only the assigned register result carries it, never a status lookup.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceRegistrationResult(
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
        SymmetricKeyRegistrationResult symmetricKey,
        X509RegistrationResult x509,
        List<String> issuedCertificateChain) {

    /** The minimal state every poll answer carries while the operation is still running. */
    public static DeviceRegistrationResult assigning(String registrationId) {
        return new DeviceRegistrationResult(registrationId, null, null, null, RegistrationStatus.ASSIGNING,
                null, null, null, null, null, null, null, null, null);
    }

    /** A registration that ended {@code failed}: no hub, the error code and a message saying why. */
    public static DeviceRegistrationResult failed(String registrationId, int errorCode, String message, Instant at) {
        return ended(registrationId, RegistrationStatus.FAILED, errorCode, message, at);
    }

    /** A registration refused because its enrollment is disabled. */
    public static DeviceRegistrationResult disabled(String registrationId, int errorCode, String message, Instant at) {
        return ended(registrationId, RegistrationStatus.DISABLED, errorCode, message, at);
    }

    private static DeviceRegistrationResult ended(String registrationId, RegistrationStatus status, int errorCode,
            String message, Instant at) {
        return new DeviceRegistrationResult(registrationId, at, null, null, status, null, errorCode, message, at,
                null, null, null, null, null);
    }

    public DeviceRegistrationResult withSubstatus(RegistrationSubstatus newSubstatus) {
        return new DeviceRegistrationResult(registrationId, createdDateTimeUtc, assignedHub, deviceId, status,
                newSubstatus, errorCode, errorMessage, lastUpdatedDateTimeUtc, etag, payload, symmetricKey, x509,
                issuedCertificateChain);
    }

    public DeviceRegistrationResult withIssuedCertificateChain(List<String> chain) {
        return new DeviceRegistrationResult(registrationId, createdDateTimeUtc, assignedHub, deviceId, status,
                substatus, errorCode, errorMessage, lastUpdatedDateTimeUtc, etag, payload, symmetricKey, x509,
                List.copyOf(chain));
    }
}
