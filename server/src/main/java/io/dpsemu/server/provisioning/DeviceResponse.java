package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.model.DpsError;
import io.dpsemu.protocol.model.RegistrationOperationStatus;

/**
 * A transport-neutral answer to a device request: the status that goes into the MQTT response
 * topic (or the HTTP status line), the JSON body and an optional retry-after.
 *
 * @param body            a {@link RegistrationOperationStatus} or a {@link DpsError}
 * @param authFailure     the request was refused for its credentials (counts toward closing the connection)
 */
public record DeviceResponse(int status, Object body, Integer retryAfterSeconds, boolean authFailure) {

    public static DeviceResponse accepted(RegistrationOperationStatus status, int retryAfterSeconds) {
        return new DeviceResponse(202, status, retryAfterSeconds, false);
    }

    public static DeviceResponse ok(RegistrationOperationStatus status) {
        return new DeviceResponse(200, status, null, false);
    }

    public static DeviceResponse error(DpsError error, Integer retryAfterSeconds) {
        return new DeviceResponse(error.httpStatus(), error, retryAfterSeconds, false);
    }

    public static DeviceResponse unauthorized(DpsError error) {
        return new DeviceResponse(error.httpStatus(), error, null, true);
    }
}
