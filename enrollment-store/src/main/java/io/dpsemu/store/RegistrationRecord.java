package io.dpsemu.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.DeviceCapabilities;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import java.time.Instant;

/**
 * The outcome of a device's latest registration (docs/protocol-notes.md#registration-records).
 * {@code enrollmentGroupId} is {@code null} when the device registered through an individual
 * enrollment; {@code payload} is the custom-allocation data returned to the device.
 * {@code initialTwin} and {@code capabilities} are what the assigned hub's device identity would
 * hold (dpsemu connects to no hub, so the record keeps them for the user to inspect).
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
        DeviceCapabilities capabilities) {

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
                capabilities);
    }

    /** The record as the store keeps it: server-owned fields replaced. */
    public RegistrationRecord withStoreFields(String newEtag, Instant created, Instant lastUpdated) {
        return new RegistrationRecord(registrationId, enrollmentGroupId, attestationType, deviceId, assignedHub,
                status, substatus, errorCode, errorMessage, payload, created, lastUpdated, newEtag, initialTwin,
                capabilities);
    }
}
