package io.dpsemu.server.device;

import io.dpsemu.protocol.model.DpsError;
import io.dpsemu.protocol.model.RegistrationOperationStatus;

/**
 * A transport-neutral answer to a device request: the status that goes into the MQTT response
 * topic (or the HTTP status line), the JSON body and an optional retry-after.
 *
 * @param body            a {@link RegistrationOperationStatus} or a {@link DpsError}
 * @param authFailure     the request was refused for its credentials (counts toward closing the connection)
 * @param dropConnection  a fault rule says: close the device's connection instead of answering
 */
public record DeviceResponse(int status, Object body, Integer retryAfterSeconds, boolean authFailure,
        boolean dropConnection) {

    public static DeviceResponse accepted(RegistrationOperationStatus status, int retryAfterSeconds) {
        return new DeviceResponse(202, status, retryAfterSeconds, false, false);
    }

    public static DeviceResponse ok(Object body) {
        return new DeviceResponse(200, body, null, false, false);
    }

    public static DeviceResponse error(DpsError error, Integer retryAfterSeconds) {
        return new DeviceResponse(error.httpStatus(), error, retryAfterSeconds, false, false);
    }

    public static DeviceResponse unauthorized(DpsError error) {
        return new DeviceResponse(error.httpStatus(), error, null, true, false);
    }

    public static DeviceResponse drop() {
        return new DeviceResponse(0, null, null, false, true);
    }
}
