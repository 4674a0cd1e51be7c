package io.dpsemu.server.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.server.allocation.WebhookClient;
import io.dpsemu.server.device.DeviceClient;
import io.dpsemu.server.faults.FaultAction;

/**
 * A registration that was admitted and told {@code 202}: what its assignment works from.
 *
 * @param payload          the device's registration payload, for a custom allocation webhook
 * @param certificate      the certificate signed for the register's {@code csr}; null when none was asked for
 * @param injectedFailure  a fault rule that ends the operation {@code failed}; null normally
 * @param webhookSlot      the webhook call slot reserved for a custom allocation; null otherwise
 */
record Assignment(Operation operation, DeviceClient client, AuthOutcome.Attested attested, JsonNode payload,
        CertificateRequests.Issued certificate, FaultAction.FailOperation injectedFailure,
        WebhookClient.Slot webhookSlot) {

    String registrationId() {
        return operation.registrationId();
    }

    EnrollmentMatch match() {
        return attested.match();
    }
}
