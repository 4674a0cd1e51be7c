package io.dpsemu.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.DeviceCapabilities;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of a device's latest registration (docs/protocol-notes.md#registration-records).
 * {@code enrollmentGroupId} is {@code null} when the device registered through an individual
 * enrollment; {@code payload} is the custom-allocation data returned to the device.
 * {@code initialTwin} and {@code capabilities} are what the assigned hub's device identity would
 * hold (dpsemu connects to no hub, so the record keeps them for the user to inspect).
 * {@code issuedCertificate} is the certificate the server last signed for the device from a
 * certificate signing request (null when none); {@code supersededCertificates} lists the ones it
 * replaced, most recent first (null or empty when none).
 */
public record RegistrationRecord(
        String registrationId,
        String enrollmentGroupId,
        AttestationType attestationType,
        String deviceId,
        String assignedHub,
        RegistrationStatus status,
        RegistrationSubstatus substatus,
        Integer errorCode,
        String errorMessage,
        JsonNode payload,
        Instant createdDateTimeUtc,
        Instant lastUpdatedDateTimeUtc,
        String etag,
        JsonNode initialTwin,
        DeviceCapabilities capabilities,
        IssuedCertificateRecord issuedCertificate,
        List<IssuedCertificateRecord> supersededCertificates) {

    /**
     * A new {@code assigned} record; the store sets the etag and the times when it writes it.
     *
     * @param enrollmentGroupId null for a device of an individual enrollment
     * @param payload           the custom allocation webhook's payload for the device, or null
     */
    public static RegistrationRecord assigned(String registrationId, String enrollmentGroupId,
            AttestationType attestationType, String deviceId, String assignedHub, RegistrationSubstatus substatus,
            JsonNode payload, JsonNode initialTwin, DeviceCapabilities capabilities) {
        return new RegistrationRecord(registrationId, enrollmentGroupId, attestationType, deviceId, assignedHub,
                RegistrationStatus.ASSIGNED, substatus, null, null, payload, null, null, null, initialTwin,
                capabilities, null, null);
    }

    /** The record as the store keeps it: server-owned fields replaced. */
    public RegistrationRecord withStoreFields(String newEtag, Instant created, Instant lastUpdated) {
        return new RegistrationRecord(registrationId, enrollmentGroupId, attestationType, deviceId, assignedHub,
                status, substatus, errorCode, errorMessage, payload, created, lastUpdated, newEtag, initialTwin,
                capabilities, issuedCertificate, supersededCertificates);
    }

    /**
     * The record with {@code issued} as its current certificate: the current one, if any, moves to the
     * head of the superseded list (without its body, stamped {@code now}), which keeps the
     * {@code keepSuperseded} most recent.
     */
    public RegistrationRecord withIssuedCertificate(IssuedCertificateRecord issued, Instant now, int keepSuperseded) {
        List<IssuedCertificateRecord> superseded = new ArrayList<>();
        if (issuedCertificate != null) {
            superseded.add(issuedCertificate.supersededAt(now));
        }
        if (supersededCertificates != null) {
            superseded.addAll(supersededCertificates);
        }
        List<IssuedCertificateRecord> kept = List.copyOf(superseded.subList(0,
                Math.min(superseded.size(), Math.max(0, keepSuperseded))));
        return withCertificates(issued, kept.isEmpty() ? null : kept);
    }

    /**
     * This record with the certificates of {@code previous} (the device's earlier record, or null): a
     * re-registration that sends no certificate signing request keeps what was issued before.
     */
    public RegistrationRecord carryingCertificatesOf(RegistrationRecord previous) {
        return previous == null ? this
                : withCertificates(previous.issuedCertificate, previous.supersededCertificates);
    }

    private RegistrationRecord withCertificates(IssuedCertificateRecord issued,
            List<IssuedCertificateRecord> superseded) {
        return new RegistrationRecord(registrationId, enrollmentGroupId, attestationType, deviceId, assignedHub,
                status, substatus, errorCode, errorMessage, payload, createdDateTimeUtc, lastUpdatedDateTimeUtc, etag,
                initialTwin, capabilities, issued, superseded);
    }
}
