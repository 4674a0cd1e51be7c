package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.model.DpsError;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.protocol.model.RegistrationOperationStatus;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.server.config.ProvisioningConfig;
import io.dpsemu.server.device.DeviceClient;
import io.dpsemu.server.device.DeviceIdentity;
import io.dpsemu.server.device.DeviceResponse;
import io.dpsemu.server.metrics.EventLog;

/**
 * The engine's answers to device requests other than a registration's result: accepted, refused,
 * busy, the store unavailable. Every answer a device may retry carries retry-after.
 */
final class DeviceAnswers {

    private final ProvisioningConfig config;

    DeviceAnswers(ProvisioningConfig config) {
        this.config = config;
    }

    /** The register's {@code 202}: the operation id and {@code assigning}, no registration state (as DPS answers). */
    DeviceResponse accepted(Operation operation) {
        return DeviceResponse.accepted(new RegistrationOperationStatus(operation.operationId(),
                RegistrationStatus.ASSIGNING, null), config.retryAfterSeconds());
    }

    /** A poll's {@code 202} while its operation has not finished yet. */
    DeviceResponse assigning(RegistrationOperationStatus status) {
        return DeviceResponse.accepted(status, config.retryAfterSeconds());
    }

    /** {@code 200} for a finished operation (its status says assigned, failed or disabled). */
    DeviceResponse finished(RegistrationOperationStatus status) {
        return DeviceResponse.ok(status);
    }

    /** {@code 429}: a bound of this server was hit; logged as overload (at most once a second per cause). */
    DeviceResponse busy(String why) {
        EventLog.overloaded(why);
        return DeviceResponse.error(DpsError.of(ErrorCodes.SERVER_BUSY, why + "; retry after "
                + config.retryAfterSeconds() + " s"), config.retryAfterSeconds());
    }

    /** {@code 503}: the store cannot serve now; the device retries after retry-after. */
    DeviceResponse storeUnavailable(String why) {
        return DeviceResponse.error(DpsError.of(ErrorCodes.STORE_UNAVAILABLE, "the enrollment store is unavailable ("
                + why + "); retry after " + config.retryAfterSeconds() + " s"), config.retryAfterSeconds());
    }

    /** {@code 401} with the reason when detailed errors are on; the log always has it. */
    DeviceResponse refused(DeviceIdentity identity, DeviceClient client, AuthOutcome.Refused refused) {
        EventLog.authFailed(identity.registrationId(), client.transport(), refused.reason());
        String message = config.detailedErrors() ? refused.reason() : "Unauthorized";
        return DeviceResponse.unauthorized(DpsError.of(refused.errorCode(), message));
    }

    DeviceResponse badRequest(String message) {
        return DeviceResponse.error(DpsError.of(ErrorCodes.BAD_REQUEST, message), null);
    }

    DeviceResponse notFound(int errorCode, String message) {
        return DeviceResponse.error(DpsError.of(errorCode, message), null);
    }

    DeviceResponse internalError() {
        return DeviceResponse.error(DpsError.of(ErrorCodes.INTERNAL_ERROR, "internal error"),
                config.retryAfterSeconds());
    }
}
