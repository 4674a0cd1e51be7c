package io.dpsemu.server.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.ReprovisionPolicy;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import io.dpsemu.store.RegistrationRecord;
import org.junit.jupiter.api.Test;

class ReprovisioningTest {

    private static final String HUB_A = "hub-a.azure-devices.net";
    private static final String HUB_B = "hub-b.azure-devices.net";
    private static final ReprovisionPolicy MIGRATE = new ReprovisionPolicy(true, true);
    private static final ReprovisionPolicy RESET = new ReprovisionPolicy(true, false);
    private static final ReprovisionPolicy NEVER = new ReprovisionPolicy(false, true);
    private static final JsonNode INITIAL_TWIN = json("{\"properties\":{\"desired\":{\"interval\":10}}}");
    private static final JsonNode DEVICE_TWIN = json("{\"properties\":{\"desired\":{\"interval\":99}}}");

    private static JsonNode json(String text) {
        return DpsJson.read(text, JsonNode.class);
    }

    private static RegistrationRecord record(String hub, RegistrationStatus status) {
        return new RegistrationRecord("dev-1", null, AttestationType.SYMMETRIC_KEY, "dev-1", hub, status,
                RegistrationSubstatus.INITIAL_ASSIGNMENT, null, null, null, null, null, null, DEVICE_TWIN, null, null,
                null);
    }

    private static Reprovisioning.Before assignedTo(String hub) {
        return new Reprovisioning.Before(record(hub, RegistrationStatus.ASSIGNED), null);
    }

    private static final Reprovisioning.Before NEVER_REGISTERED = new Reprovisioning.Before(null, null);

    @Test
    void decide_whenNeverRegistered_thenInitialAssignmentWithInitialTwin() {
        Reprovisioning.Outcome outcome = Reprovisioning.decide(MIGRATE, NEVER_REGISTERED, HUB_A, "dev-1", INITIAL_TWIN);

        assertThat(outcome).isEqualTo(new Reprovisioning.Outcome(HUB_A, RegistrationSubstatus.INITIAL_ASSIGNMENT,
                INITIAL_TWIN));
    }

    @Test
    void decide_whenLastRegistrationFailed_thenTreatedAsFirstAssignment() {
        Reprovisioning.Before failed = new Reprovisioning.Before(record(null, RegistrationStatus.FAILED), null);

        assertThat(Reprovisioning.decide(NEVER, failed, HUB_B, "dev-1", INITIAL_TWIN))
                .isEqualTo(new Reprovisioning.Outcome(HUB_B, RegistrationSubstatus.INITIAL_ASSIGNMENT, INITIAL_TWIN));
    }

    @Test
    void decide_whenRecordDeletedButIdentityInChosenHub_thenReprovisionedToInitialAssignment() {
        Reprovisioning.Before deleted = new Reprovisioning.Before(null, record(HUB_A, RegistrationStatus.ASSIGNED));

        Reprovisioning.Outcome outcome = Reprovisioning.decide(MIGRATE, deleted, HUB_A, "dev-1", INITIAL_TWIN);

        assertThat(outcome.substatus()).isEqualTo(RegistrationSubstatus.REPROVISIONED_TO_INITIAL_ASSIGNMENT);
        assertThat(outcome.hub()).isEqualTo(HUB_A);
    }

    @Test
    void decide_whenRecordDeletedAndAnotherHubChosen_thenInitialAssignment() {
        Reprovisioning.Before deleted = new Reprovisioning.Before(null, record(HUB_A, RegistrationStatus.ASSIGNED));

        assertThat(Reprovisioning.decide(MIGRATE, deleted, HUB_B, "dev-1", INITIAL_TWIN).substatus())
                .isEqualTo(RegistrationSubstatus.INITIAL_ASSIGNMENT);
    }

    @Test
    void decide_whenRecordDeletedAndDeviceIdChanged_thenInitialAssignment() {
        Reprovisioning.Before deleted = new Reprovisioning.Before(null, record(HUB_A, RegistrationStatus.ASSIGNED));

        assertThat(Reprovisioning.decide(MIGRATE, deleted, HUB_A, "dev-renamed", INITIAL_TWIN).substatus())
                .isEqualTo(RegistrationSubstatus.INITIAL_ASSIGNMENT);
    }

    @Test
    void decide_whenMigratePolicyMovesDevice_thenDeviceDataMigratedWithItsTwin() {
        Reprovisioning.Outcome outcome =
                Reprovisioning.decide(MIGRATE, assignedTo(HUB_A), HUB_B, "dev-1", INITIAL_TWIN);

        assertThat(outcome).isEqualTo(new Reprovisioning.Outcome(HUB_B, RegistrationSubstatus.DEVICE_DATA_MIGRATED,
                DEVICE_TWIN));
    }

    @Test
    void decide_whenResetPolicyMovesDevice_thenDeviceDataResetWithInitialTwin() {
        Reprovisioning.Outcome outcome = Reprovisioning.decide(RESET, assignedTo(HUB_A), HUB_B, "dev-1", INITIAL_TWIN);

        assertThat(outcome).isEqualTo(new Reprovisioning.Outcome(HUB_B, RegistrationSubstatus.DEVICE_DATA_RESET,
                INITIAL_TWIN));
    }

    @Test
    void decide_whenNeverReprovision_thenStaysOnCurrentHubWithInitialAssignmentAndItsTwin() {
        Reprovisioning.Outcome outcome = Reprovisioning.decide(NEVER, assignedTo(HUB_A), HUB_B, "dev-1", INITIAL_TWIN);

        assertThat(outcome).isEqualTo(new Reprovisioning.Outcome(HUB_A, RegistrationSubstatus.INITIAL_ASSIGNMENT,
                DEVICE_TWIN));
    }

    @Test
    void decide_whenMigratePolicyKeepsSameHub_thenInitialAssignmentAndTwinUntouched() {
        Reprovisioning.Outcome outcome = Reprovisioning.decide(MIGRATE, assignedTo(HUB_A), HUB_A.toUpperCase(),
                "dev-1", INITIAL_TWIN);

        assertThat(outcome).isEqualTo(new Reprovisioning.Outcome(HUB_A, RegistrationSubstatus.INITIAL_ASSIGNMENT,
                DEVICE_TWIN));
    }

    @Test
    void decide_whenResetPolicyKeepsSameHub_thenDeviceDataResetInPlace() {
        Reprovisioning.Outcome outcome = Reprovisioning.decide(RESET, assignedTo(HUB_A), HUB_A, "dev-1", INITIAL_TWIN);

        assertThat(outcome).isEqualTo(new Reprovisioning.Outcome(HUB_A, RegistrationSubstatus.DEVICE_DATA_RESET,
                INITIAL_TWIN));
    }
}
