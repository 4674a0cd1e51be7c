package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.model.DeviceRegistrationResult;
import io.dpsemu.protocol.model.RegistrationOperationStatus;
import io.dpsemu.protocol.model.RegistrationStatus;

/**
 * One registration attempt: {@code assigning} until {@link #finish} records its terminal result.
 * The result is set once, after the registration record is durable.
 */
final class Operation {

    private final String operationId;
    private final String registrationId;
    private final String enrollmentGroupId;
    private final long startedNanos;
    private volatile DeviceRegistrationResult result;
    private volatile long finishedNanos;

    Operation(String operationId, String registrationId, String enrollmentGroupId, long startedNanos) {
        this.operationId = operationId;
        this.registrationId = registrationId;
        this.enrollmentGroupId = enrollmentGroupId;
        this.startedNanos = startedNanos;
    }

    String operationId() {
        return operationId;
    }

    String registrationId() {
        return registrationId;
    }

    /** The group that attested the device, for fault rules that match polls by group; null for an individual enrollment. */
    String enrollmentGroupId() {
        return enrollmentGroupId;
    }

    long startedNanos() {
        return startedNanos;
    }

    boolean finished() {
        return result != null;
    }

    long finishedNanos() {
        return finishedNanos;
    }

    void finish(DeviceRegistrationResult terminal, long nowNanos) {
        finishedNanos = nowNanos;
        result = terminal;
    }

    /** What a poll answers now. */
    RegistrationOperationStatus status() {
        DeviceRegistrationResult done = result;
        if (done == null) {
            return new RegistrationOperationStatus(operationId, RegistrationStatus.ASSIGNING,
                    DeviceRegistrationResult.assigning(registrationId));
        }
        return new RegistrationOperationStatus(operationId, done.status(), done);
    }
}
