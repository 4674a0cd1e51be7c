package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.model.DeviceRegistrationResult;
import io.dpsemu.protocol.model.RegistrationOperationStatus;
import io.dpsemu.protocol.model.RegistrationStatus;
import java.util.concurrent.CompletableFuture;

/**
 * One registration attempt, polled by its id: {@code assigning} until {@link #finish} sets its
 * terminal result once, after the registration record is durable (or the assignment ended without
 * one). While its record waits for the store to take writes again, polls are told to retry later.
 */
final class Operation {

    private final String operationId;
    private final String registrationId;
    private final String enrollmentGroupId;
    private final String credential;
    private final long startedNanos;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile RegistrationOperationStatus result;
    private volatile long finishedNanos;
    private volatile String storeTrouble;
    private boolean abandoned;

    /**
     * @param enrollmentGroupId the group that attested the device; null for an individual enrollment
     * @param credential        the enrollment that attested the device, as {@link OperationTable} counts it
     */
    Operation(String operationId, String registrationId, String enrollmentGroupId, String credential,
            long startedNanos) {
        this.operationId = operationId;
        this.registrationId = registrationId;
        this.enrollmentGroupId = enrollmentGroupId;
        this.credential = credential;
        this.startedNanos = startedNanos;
    }

    String operationId() {
        return operationId;
    }

    String registrationId() {
        return registrationId;
    }

    /**
     * The group that attested the device, for fault rules that match polls by group; null for an individual enrollment.
     */
    String enrollmentGroupId() {
        return enrollmentGroupId;
    }

    String credential() {
        return credential;
    }

    long startedNanos() {
        return startedNanos;
    }

    boolean isFinished() {
        return result != null;
    }

    long finishedNanos() {
        return finishedNanos;
    }

    /**
     * Sets the terminal result; only the first call counts.
     *
     * @return whether this call finished the operation
     */
    boolean finish(DeviceRegistrationResult terminal, long nowNanos) {
        synchronized (this) {
            if (result != null || abandoned) {
                return false;
            }
            finishedNanos = nowNanos;
            storeTrouble = null;
            result = new RegistrationOperationStatus(operationId, terminal.status(), terminal);
        }
        // outside the lock: waiting polls are answered from here
        finished.complete(null);
        return true;
    }

    /**
     * Gives up an operation that will not finish (its record could not be stored in time, or its
     * device was refused after all); polls then no longer find it.
     *
     * @return false when it had finished already
     */
    boolean abandon() {
        synchronized (this) {
            if (result != null) {
                return false;
            }
            abandoned = true;
        }
        finished.complete(null);
        return true;
    }

    /** Completes when the operation finishes or is abandoned; for polls that wait for the result. */
    CompletableFuture<Void> whenFinished() {
        return finished;
    }

    /** Why the record is not durable yet (the store refuses writes), or null. */
    String storeTrouble() {
        return storeTrouble;
    }

    void storeTrouble(String why) {
        storeTrouble = why;
    }

    /** What a poll answers now. */
    RegistrationOperationStatus status() {
        RegistrationOperationStatus done = result;
        return done != null ? done : new RegistrationOperationStatus(operationId, RegistrationStatus.ASSIGNING,
                DeviceRegistrationResult.assigning(registrationId));
    }
}
