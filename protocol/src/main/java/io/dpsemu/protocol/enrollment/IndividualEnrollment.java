package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * An individual enrollment in the DPS service-API document shape (docs/protocol-notes.md#enrollment-documents), so the
 * service API can expose it unchanged. {@code registrationState} is not part of the stored
 * document: the service API adds it from the registration record when it answers.
 * {@code credentialPolicyName} names the credential policy that signs certificates its device requests
 * (null: the server's default policy).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(value = "registrationState", allowGetters = false)
public record IndividualEnrollment(
        String registrationId,
        String deviceId,
        JsonNode optionalDeviceInformation,
        AttestationMechanism attestation,
        DeviceCapabilities capabilities,
        String iotHubHostName,
        JsonNode initialTwin,
        String etag,
        ProvisioningStatus provisioningStatus,
        ReprovisionPolicy reprovisionPolicy,
        Instant createdDateTimeUtc,
        Instant lastUpdatedDateTimeUtc,
        AllocationPolicy allocationPolicy,
        List<String> iotHubs,
        CustomAllocationDefinition customAllocationDefinition,
        String credentialPolicyName) {

    /** A minimal enabled symmetric-key enrollment, as tests and seed files most often need. */
    public static IndividualEnrollment symmetricKey(String registrationId, String primaryKey, String secondaryKey) {
        return new IndividualEnrollment(registrationId, null, null,
                AttestationMechanism.symmetricKey(primaryKey, secondaryKey), null, null, null, null,
                ProvisioningStatus.ENABLED, null, null, null, null, null, null, null);
    }

    @JsonIgnore
    public boolean isEnabled() {
        return provisioningStatus != ProvisioningStatus.DISABLED;
    }

    /** The device id the hub gets: {@code deviceId} when set, else the registration id. */
    @JsonIgnore
    public String effectiveDeviceId() {
        return deviceId == null || deviceId.isEmpty() ? registrationId : deviceId;
    }

    public IndividualEnrollment withProvisioningStatus(ProvisioningStatus status) {
        return new IndividualEnrollment(registrationId, deviceId, optionalDeviceInformation, attestation, capabilities,
                iotHubHostName, initialTwin, etag, status, reprovisionPolicy, createdDateTimeUtc,
                lastUpdatedDateTimeUtc, allocationPolicy, iotHubs, customAllocationDefinition, credentialPolicyName);
    }

    /** The document as the store keeps it: server-owned fields replaced. */
    public IndividualEnrollment withStoreFields(String newEtag, Instant created, Instant lastUpdated) {
        return new IndividualEnrollment(registrationId, deviceId, optionalDeviceInformation, attestation, capabilities,
                iotHubHostName, initialTwin, newEtag, provisioningStatus, reprovisionPolicy, created, lastUpdated,
                allocationPolicy, iotHubs, customAllocationDefinition, credentialPolicyName);
    }
}
