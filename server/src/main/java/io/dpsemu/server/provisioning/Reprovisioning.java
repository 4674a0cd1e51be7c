package io.dpsemu.server.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.enrollment.ReprovisionPolicy;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import io.dpsemu.store.RegistrationRecord;

/**
 * What a registration does to a device that may already have a hub (docs/protocol-notes.md#reprovisioning): which
 * hub it ends on, the substatus it is told, and the twin its hub identity holds afterwards.
 *
 * <ul>
 *   <li>No current assignment: {@code initialAssignment} with the initial twin, or
 *       {@code reprovisionedToInitialAssignment} when DPS's record was deleted but the device
 *       identity is still in the chosen hub (DPS did not know it, the hub did).</li>
 *   <li>{@code updateHubAssignment=false}: stays on its hub, twin untouched, {@code initialAssignment}.</li>
 *   <li>{@code updateHubAssignment=true} and a new hub: {@code deviceDataMigrated} (twin carried
 *       over) or, without {@code migrateDeviceData}, {@code deviceDataReset} (initial twin).</li>
 *   <li>{@code updateHubAssignment=true} and the same hub (undocumented by DPS; dpsemu's choice):
 *       with {@code migrateDeviceData} nothing moves, so {@code initialAssignment}; without it the
 *       twin is reset in place ("factory reset without changing hubs"), {@code deviceDataReset}.</li>
 * </ul>
 */
public final class Reprovisioning {

    /** Where the device stands before this registration. */
    public record Before(RegistrationRecord current, RegistrationRecord retired) {

        /** The device's hub known to DPS, or null: only an {@code assigned} record has one. */
        public String currentHub() {
            return current != null && current.status() == RegistrationStatus.ASSIGNED ? current.assignedHub() : null;
        }
    }

    /** The hub, substatus and twin of the new assignment. */
    public record Outcome(String hub, RegistrationSubstatus substatus, JsonNode twin) {
    }

    private Reprovisioning() {
    }

    /**
     * @param chosenHub   the hub the allocation policy picked (with never-reprovision only the
     *                    current hub is ever offered, so it is that hub)
     * @param deviceId    the device id the assignment gives the device
     * @param initialTwin the webhook's initial twin, else the enrollment's; null when neither has one
     */
    public static Outcome decide(ReprovisionPolicy policy, Before before, String chosenHub, String deviceId,
            JsonNode initialTwin) {
        String currentHub = before.currentHub();
        if (currentHub == null) {
            RegistrationRecord retired = before.retired();
            boolean stillInHub = retired != null && retired.status() == RegistrationStatus.ASSIGNED
                    && chosenHub.equalsIgnoreCase(retired.assignedHub()) && deviceId.equals(retired.deviceId());
            return new Outcome(chosenHub, stillInHub ? RegistrationSubstatus.REPROVISIONED_TO_INITIAL_ASSIGNMENT
                    : RegistrationSubstatus.INITIAL_ASSIGNMENT, initialTwin);
        }
        JsonNode currentTwin = before.current().initialTwin();
        if (!policy.updateHubAssignment()) {
            return new Outcome(currentHub, RegistrationSubstatus.INITIAL_ASSIGNMENT, currentTwin);
        }
        if (!policy.migrateDeviceData()) {
            return new Outcome(chosenHub, RegistrationSubstatus.DEVICE_DATA_RESET, initialTwin);
        }
        return chosenHub.equalsIgnoreCase(currentHub)
                ? new Outcome(currentHub, RegistrationSubstatus.INITIAL_ASSIGNMENT, currentTwin)
                : new Outcome(chosenHub, RegistrationSubstatus.DEVICE_DATA_MIGRATED, currentTwin);
    }
}
