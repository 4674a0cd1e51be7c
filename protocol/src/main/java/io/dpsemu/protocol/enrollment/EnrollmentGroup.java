package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * An enrollment group in the DPS service-API document shape (docs/protocol-notes.md#enrollment-documents). Devices of a
 * group attest with keys derived from the group key, or with certificates chained to the group's
 * signing certificate; their device id is their registration id. {@code credentialPolicyName} names the
 * credential policy that signs certificates its devices request (null: the server's default policy).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnrollmentGroup(
        String enrollmentGroupId,
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

    /** A minimal enabled symmetric-key group. */
    public static EnrollmentGroup symmetricKey(String enrollmentGroupId, String primaryKey, String secondaryKey) {
        return new EnrollmentGroup(enrollmentGroupId, AttestationMechanism.symmetricKey(primaryKey, secondaryKey),
                null, null, null, null, ProvisioningStatus.ENABLED, null, null, null, null, null, null, null);
    }

    @JsonIgnore
    public boolean isEnabled() {
        return provisioningStatus != ProvisioningStatus.DISABLED;
    }

    public EnrollmentGroup withProvisioningStatus(ProvisioningStatus status) {
        return new EnrollmentGroup(enrollmentGroupId, attestation, capabilities, iotHubHostName, initialTwin, etag,
                status, reprovisionPolicy, createdDateTimeUtc, lastUpdatedDateTimeUtc, allocationPolicy, iotHubs,
                customAllocationDefinition, credentialPolicyName);
    }

    /** The document as the store keeps it: server-owned fields replaced. */
    public EnrollmentGroup withStoreFields(String newEtag, Instant created, Instant lastUpdated) {
        return new EnrollmentGroup(enrollmentGroupId, attestation, capabilities, iotHubHostName, initialTwin, newEtag,
                provisioningStatus, reprovisionPolicy, created, lastUpdated, allocationPolicy, iotHubs,
                customAllocationDefinition, credentialPolicyName);
    }
}
