package io.dpsemu.server.it.reliability;

import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What devices were told: every registration id that got {@code assigned}, with its hub and device
 * id, checked afterwards against the records in the store. A record that is missing, or names
 * another hub or device id, is a registration the server acknowledged and then lost.
 */
public final class AssignedLedger {

    /**
     * @param note how the test tells where the answer came from (e.g. which server run); may be empty
     */
    public record Told(String hub, String deviceId, String note) {
        @Override
        public String toString() {
            return "hub=" + hub + " deviceId=" + deviceId + (note.isEmpty() ? "" : " " + note);
        }
    }

    /**
     * The ledger read against a store.
     *
     * @param found   devices told assigned whose record is assigned to the same hub and device id
     * @param lost    devices told assigned without a record
     * @param changed devices told assigned whose record says something else
     */
    public record Check(int told, int found, List<String> lost, List<String> changed) {

        public boolean allFound() {
            return found == told;
        }

        /** The one line a report needs: {@code <label>: devices told assigned: N; records found ...: M}. */
        public String line(String label) {
            return label + ": devices told assigned: " + told + "; their records found with the same hub and device"
                    + " id: " + found
                    + (allFound() ? "" : " (lost " + lost.size() + ", changed " + changed.size() + ")");
        }
    }

    private final Map<String, Told> told = new ConcurrentHashMap<>();

    public void assigned(String registrationId, String hub, String deviceId, String note) {
        told.put(registrationId, new Told(hub, deviceId, note));
    }

    void assigned(Answer answer, String registrationId) {
        if (!answer.assigned() || answer.hub() == null || answer.deviceId() == null) {
            throw new AssertionError(registrationId + ": not an assignment with hub and device id: " + answer);
        }
        assigned(registrationId, answer.hub(), answer.deviceId(), "");
    }

    public int size() {
        return told.size();
    }

    public Map<String, Told> told() {
        return Map.copyOf(told);
    }

    public Check check(Store store) {
        List<String> lost = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        told.forEach((id, was) -> {
            Optional<RegistrationRecord> found = store.findRegistration(id);
            if (found.isEmpty()) {
                lost.add(id + " (told " + was + ")");
                return;
            }
            RegistrationRecord record = found.get();
            if (!was.hub().equals(record.assignedHub()) || !was.deviceId().equals(record.deviceId())
                    || record.status() != RegistrationStatus.ASSIGNED) {
                changed.add(id + ": told " + was + ", stored " + record);
            }
        });
        return new Check(told.size(), told.size() - lost.size() - changed.size(), List.copyOf(lost),
                List.copyOf(changed));
    }
}
