package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.model.DeviceRegistrationResult;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import io.dpsemu.protocol.model.SymmetricKeyRegistrationResult;
import io.dpsemu.protocol.model.X509RegistrationResult;
import io.dpsemu.server.device.DeviceClient;
import io.dpsemu.store.RegistrationRecord;

/** How a registration record reads to the device that asks for it. */
final class ResultView {

    private ResultView() {
    }

    /**
     * The device-facing view of a registration record. An X.509 device is told about its
     * certificates when they are at hand (at registration); the record keeps only the group. A device
     * whose api-version predates {@code reprovisionedToInitialAssignment} is told
     * {@code initialAssignment}, as DPS does; the record keeps the newer substatus.
     *
     * @param x509 the certificates the device presented now, or null (a status lookup, a SAS device)
     */
    static DeviceRegistrationResult of(RegistrationRecord record, X509RegistrationResult x509, DeviceClient client) {
        boolean certificate = record.attestationType() == AttestationType.X509;
        String groupId = record.enrollmentGroupId();
        DeviceRegistrationResult result = new DeviceRegistrationResult(record.registrationId(),
                record.createdDateTimeUtc(), record.assignedHub(), record.deviceId(), record.status(),
                record.substatus(), record.errorCode(), record.errorMessage(), record.lastUpdatedDateTimeUtc(),
                record.etag(), record.payload(),
                certificate || groupId == null ? null : new SymmetricKeyRegistrationResult(groupId),
                !certificate ? null : x509 != null ? x509 : new X509RegistrationResult(null, groupId, null), null);
        return record.substatus() == RegistrationSubstatus.REPROVISIONED_TO_INITIAL_ASSIGNMENT
                && !client.knowsReprovisionedSubstatus()
                ? result.withSubstatus(RegistrationSubstatus.INITIAL_ASSIGNMENT) : result;
    }
}
