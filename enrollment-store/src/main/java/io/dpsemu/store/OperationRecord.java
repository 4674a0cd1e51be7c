package io.dpsemu.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.model.RegistrationStatus;
import java.time.Instant;

/**
 * A device registration operation as every node sharing the store can poll it: {@code assigning}
 * with no {@code result} while it runs, then its terminal {@code DeviceRegistrationResult} as JSON.
 * {@code operationId} is matched exactly (case-sensitive), unlike the other ids of the store.
 * The store owns {@code lastUpdatedDateTimeUtc}, and {@code createdDateTimeUtc} once the operation
 * exists; see {@link Store#putOperation(OperationRecord)}.
 */
public record OperationRecord(
        String operationId,
        String registrationId,
        RegistrationStatus status,
        JsonNode result,
        Instant createdDateTimeUtc,
        Instant lastUpdatedDateTimeUtc) {

    /** The operation as the store keeps it: server-owned fields replaced. */
    public OperationRecord withStoreFields(Instant created, Instant lastUpdated) {
        return new OperationRecord(operationId, registrationId, status, result, created, lastUpdated);
    }
}
