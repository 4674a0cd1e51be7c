package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
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

        public AllocationPolicy allocationPolicy() {
            return enrollment.allocationPolicy();
        }

        public List<String> iotHubs() {
            return enrollment.iotHubs();
        }

        public String iotHubHostName() {
            return enrollment.iotHubHostName();
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

        public AllocationPolicy allocationPolicy() {
            return group.allocationPolicy();
        }

        public List<String> iotHubs() {
            return group.iotHubs();
        }

        public String iotHubHostName() {
            return group.iotHubHostName();
        }
    }
}
