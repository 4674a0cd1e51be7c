package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.RequestKind;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.protocol.model.RegistrationOperationStatus;
import io.dpsemu.server.device.DeviceClient;
import io.dpsemu.server.device.DeviceIdentity;
import io.dpsemu.server.device.DeviceRequest;
import io.dpsemu.server.device.DeviceResponse;
import io.dpsemu.server.faults.FaultAction;
import io.dpsemu.server.metrics.StoreHealth;
import io.dpsemu.store.Store;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * The result views: answers to polls of an operation and to status lookups of a registration.
 *
 * <p>A poll of an operation this node holds, on a connection that has proved its credentials, is
 * answered without the store, on the caller's thread. An operation still assigning is waited for
 * (at most {@code provisioning.pollWaitMillis}) rather than answered {@code 202} at once, so a
 * device polling right after its register usually gets its result instead of another round trip;
 * the answer then leaves from the thread that finished the operation, or the timer's. A poll that
 * needs its credentials checked, or another node's operation, goes through a store thread.
 */
final class StatusAnswers {

    private final OperationTable operations;
    private final OperationMirror mirror;
    private final DeviceAuthenticator authenticator;
    private final RequestGate gate;
    private final StoreTasks tasks;
    private final EngineTimer timer;
    private final StoreHealth health;
    private final DeviceAnswers answers;
    private final Store store;
    private final long pollWaitMillis;
    private final long retentionSeconds;

    StatusAnswers(OperationTable operations, OperationMirror mirror, DeviceAuthenticator authenticator,
            RequestGate gate, StoreTasks tasks, EngineTimer timer, StoreHealth health, DeviceAnswers answers,
            Store store, long pollWaitMillis, long retentionSeconds) {
        this.operations = operations;
        this.mirror = mirror;
        this.authenticator = authenticator;
        this.gate = gate;
        this.tasks = tasks;
        this.timer = timer;
        this.health = health;
        this.answers = answers;
        this.store = store;
        this.pollWaitMillis = pollWaitMillis;
        this.retentionSeconds = retentionSeconds;
    }

    /**
     * The status of an operation. A connection that has not yet passed authentication has its
     * credentials checked first, so an operation's result is only shown to its device, and fault
     * rules see only devices that proved who they are.
     */
    CompletableFuture<DeviceResponse> operationStatus(DeviceIdentity identity, DeviceClient client,
            String operationId, boolean authenticated) {
        Optional<Operation> local = operations.find(operationId, identity.registrationId());
        // a poll answered by another node's operation does not know the device's enrollment
        String groupId = local.map(Operation::enrollmentGroupId).orElse(null);
        DeviceRequest request = new DeviceRequest(identity.registrationId(), client.transport(), RequestKind.POLL,
                groupId, local.isPresent() && groupId == null);
        if (authenticated && (local.isPresent() || !mirror.shared())) {
            return afterFault(gate.fault(request).orElse(null), () -> status(identity, operationId, local, false));
        }
        return tasks.run(answer -> {
            if (!authenticated) {
                AuthOutcome outcome = authenticator.authenticate(identity);
                if (outcome instanceof AuthOutcome.Refused refused) {
                    answer.complete(answers.refused(identity, client, refused));
                    return;
                }
            }
            FaultAction fault = gate.fault(request).orElse(null);
            // a delayed status is read on the timer thread, which must not call the store
            boolean onStoreThread = !(fault instanceof FaultAction.Delay);
            afterFault(fault, () -> status(identity, operationId, local, onStoreThread))
                    .whenComplete((response, error) ->
                            answer.complete(error == null ? response : answers.internalError()));
        });
    }

    /**
     * The device's registration record as a bare {@code DeviceRegistrationResult} (the HTTPS status
     * lookup), after its credentials are checked; 404 when it never registered. DPS counts a lookup
     * as a registration toward its quotas, and so does dpsemu; fault rules do not apply to it.
     */
    CompletableFuture<DeviceResponse> registrationStatus(DeviceIdentity identity, DeviceClient client) {
        return tasks.run(answer -> {
            AuthOutcome outcome = authenticator.authenticate(identity);
            if (outcome instanceof AuthOutcome.Refused refused) {
                answer.complete(answers.refused(identity, client, refused));
                return;
            }
            answer.complete(store.findRegistration(identity.registrationId())
                    .map(record -> DeviceResponse.ok(ResultView.of(record, null, client)))
                    .orElseGet(() -> answers.notFound(ErrorCodes.REGISTRATION_NOT_FOUND,
                            "'" + identity.registrationId() + "' has no registration record")));
        });
    }

    /**
     * Answers with the fault rule's answer, or with the status; a delayed status is read when it
     * leaves, so it is never older than the delay.
     *
     * @param fault the fault a rule injects into this poll, or null
     */
    private CompletableFuture<DeviceResponse> afterFault(FaultAction fault,
            Supplier<CompletableFuture<DeviceResponse>> status) {
        Optional<DeviceResponse> faulted = RequestGate.answerOf(fault);
        if (faulted.isPresent()) {
            return CompletableFuture.completedFuture(faulted.get());
        }
        if (fault instanceof FaultAction.Delay delay) {
            CompletableFuture<DeviceResponse> later = new CompletableFuture<>();
            timer.schedule(() -> status.get().whenComplete((response, error) ->
                    later.complete(error == null ? response : answers.internalError())), delay.millis());
            return later;
        }
        return status.get();
    }

    /** From this node's table, else (on a shared store) from the store. */
    private CompletableFuture<DeviceResponse> status(DeviceIdentity identity, String operationId,
            Optional<Operation> local, boolean onStoreThread) {
        if (local.isPresent()) {
            return localStatus(local.get());
        }
        if (!mirror.shared()) {
            return CompletableFuture.completedFuture(unknown(identity, operationId));
        }
        if (onStoreThread) {
            return CompletableFuture.completedFuture(sharedStatus(identity, operationId));
        }
        return tasks.run(answer -> answer.complete(sharedStatus(identity, operationId)));
    }

    /** Waits a bounded time for an operation still assigning, unless the store is in trouble. */
    private CompletableFuture<DeviceResponse> localStatus(Operation operation) {
        if (operation.isFinished() || pollWaitMillis == 0 || troubleOf(operation) != null) {
            return CompletableFuture.completedFuture(current(operation));
        }
        CompletableFuture<DeviceResponse> answer = new CompletableFuture<>();
        ScheduledFuture<?> deadline = timer.schedule(() -> answer.complete(current(operation)), pollWaitMillis);
        operation.whenFinished().thenRun(() -> {
            deadline.cancel(false);
            answer.complete(current(operation));
        });
        return answer;
    }

    private DeviceResponse current(Operation operation) {
        if (operation.isFinished()) {
            return answers.finished(operation.status());
        }
        String trouble = troubleOf(operation);
        return trouble != null ? answers.storeUnavailable(trouble) : answers.assigning(operation.status());
    }

    /**
     * Why an unfinished operation cannot progress now, or null. While records cannot be written, so
     * is every record queued behind the one being retried, though only that one has met the failure.
     */
    private String troubleOf(Operation operation) {
        if (operation.storeTrouble() != null || health.writesFailing()) {
            return "the registration record could not be stored yet; it is being retried";
        }
        return health.isStalled() ? health.describe() : null;
    }

    /** On a store thread: another node's operation, as the shared store holds it. */
    private DeviceResponse sharedStatus(DeviceIdentity identity, String operationId) {
        Optional<RegistrationOperationStatus> found = mirror.find(operationId, identity.registrationId());
        if (found.isEmpty()) {
            return unknown(identity, operationId);
        }
        return found.get().status().isTerminal() ? answers.finished(found.get()) : answers.assigning(found.get());
    }

    private DeviceResponse unknown(DeviceIdentity identity, String operationId) {
        return answers.notFound(ErrorCodes.OPERATION_NOT_FOUND, "operation '" + operationId
                + "' is unknown for registration '" + identity.registrationId() + "' (finished operations are kept "
                + retentionSeconds + " s)");
    }
}
