package io.dpsemu.protocol.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Body of every 2xx device response: {@code operationId} and {@code status} are always present. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegistrationOperationStatus(
        String operationId,
        RegistrationStatus status,
        DeviceRegistrationResult registrationState) {

    public RegistrationOperationStatus {
        if (operationId == null || operationId.isEmpty() || status == null) {
            throw new IllegalArgumentException("operationId and status are required");
        }
    }
}
