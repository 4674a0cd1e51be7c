package io.dpsemu.server.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.CustomAllocationDefinition;
import io.dpsemu.protocol.enrollment.DeviceCapabilities;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ReprovisionPolicy;
import java.util.List;

/** The enrollment that attested a device: its own, or the group whose key or CA it chains to. */
public sealed interface EnrollmentMatch {

    boolean enabled();

    /** The device id the hub would get. */
    String deviceId(String registrationId);

    /** Null for an individual enrollment. */
    String enrollmentGroupId();

    AllocationPolicy allocationPolicy();

    List<String> iotHubs();

    String iotHubHostName();

    /** Never null: a document stored without one gets DPS's default. */
    default ReprovisionPolicy reprovisionPolicy() {
        ReprovisionPolicy policy = reprovisionPolicyAsStored();
        return policy != null ? policy : ReprovisionPolicy.DEFAULT;
    }

    ReprovisionPolicy reprovisionPolicyAsStored();

    JsonNode initialTwin();

    DeviceCapabilities capabilities();

    CustomAllocationDefinition customAllocationDefinition();

    /** The credential policy that signs the certificates its devices request; null = {@code issuance.defaultPolicy}. */
    String credentialPolicyName();

    /** The enrollment document, as the service API shows it. */
    Object document();

    record Individual(IndividualEnrollment enrollment) implements EnrollmentMatch {
        public boolean enabled() {
            return enrollment.isEnabled();
        }

        public String deviceId(String registrationId) {
            return enrollment.effectiveDeviceId();
        }

        public String enrollmentGroupId() {
            return null;
        }

        public String credentialPolicyName() {
            return enrollment.credentialPolicyName();
        }

        public AllocationPolicy allocationPolicy() {
            return enrollment.allocationPolicy();
        }

        public List<String> iotHubs() {
            return enrollment.iotHubs();
        }

        public String iotHubHostName() {
            return enrollment.iotHubHostName();
        }

        public ReprovisionPolicy reprovisionPolicyAsStored() {
            return enrollment.reprovisionPolicy();
        }

        public JsonNode initialTwin() {
            return enrollment.initialTwin();
        }

        public DeviceCapabilities capabilities() {
            return enrollment.capabilities();
        }

        public CustomAllocationDefinition customAllocationDefinition() {
            return enrollment.customAllocationDefinition();
        }

        public Object document() {
            return enrollment;
        }
    }

    record Group(EnrollmentGroup group) implements EnrollmentMatch {
        public boolean enabled() {
            return group.isEnabled();
        }

        public String deviceId(String registrationId) {
            return registrationId;
        }

        public String enrollmentGroupId() {
            return group.enrollmentGroupId();
        }

        public String credentialPolicyName() {
            return group.credentialPolicyName();
        }

        public AllocationPolicy allocationPolicy() {
            return group.allocationPolicy();
        }

        public List<String> iotHubs() {
            return group.iotHubs();
        }

        public String iotHubHostName() {
            return group.iotHubHostName();
        }

        public ReprovisionPolicy reprovisionPolicyAsStored() {
            return group.reprovisionPolicy();
        }

        public JsonNode initialTwin() {
            return group.initialTwin();
        }

        public DeviceCapabilities capabilities() {
            return group.capabilities();
        }

        public CustomAllocationDefinition customAllocationDefinition() {
            return group.customAllocationDefinition();
        }

        public Object document() {
            return group;
        }
    }
}
