package io.dpsemu.server.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.CustomAllocationDefinition;
import io.dpsemu.protocol.enrollment.DeviceCapabilities;
import io.dpsemu.protocol.model.DeviceRegistration;
import io.dpsemu.protocol.model.DeviceRegistrationResult;
import io.dpsemu.protocol.model.DpsError;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.protocol.model.RegistrationOperationStatus;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import io.dpsemu.protocol.model.SymmetricKeyRegistrationResult;
import io.dpsemu.protocol.model.X509RegistrationResult;
import io.dpsemu.server.allocation.AllocationRequest;
import io.dpsemu.server.allocation.AllocationResponse;
import io.dpsemu.server.allocation.CustomAllocationException;
import io.dpsemu.server.allocation.WebhookClient;
import io.dpsemu.server.config.ProvisioningConfig;
import io.dpsemu.server.faults.FaultAction;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.EventLog;
import io.dpsemu.server.metrics.StoreHealth;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.Store;
import io.dpsemu.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioning engine: register a device, report an operation's status. No Netty types; every
 * transport (MQTT, MQTT over WebSocket, HTTPS) calls it. Store work runs on the {@link StoreExecutor};
 * the returned futures complete there.
 *
 * <p>A register is answered {@code 202 assigning} as soon as the credentials are checked; the
 * assignment (allocation, then the durable registration record) continues on the same store thread,
 * and only then does a poll see {@code assigned}.
 */
public final class RegistrationService {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrationService.class);

    private final Store store;
    private final StoreExecutor executor;
    private final DeviceAuthenticator authenticator;
    private final HubAllocator allocator;
    private final WebhookClient webhooks;
    private final RequestGate gate;
    private final Operations operations;
    private final OperationMirror mirror;
    private final StoreHealth health;
    private final ProvisioningConfig config;
    private final DpsMetrics metrics;

    /**
     * @param sharedOperations whether other nodes share the store and must see this node's operations
     */
    public RegistrationService(Store store, StoreExecutor executor, DeviceAuthenticator authenticator,
            HubAllocator allocator, WebhookClient webhooks, RequestGate gate, ProvisioningConfig config,
            int maxOperations, boolean sharedOperations, DpsMetrics metrics, StoreHealth health) {
        this.store = store;
        this.executor = executor;
        this.authenticator = authenticator;
        this.allocator = allocator;
        this.webhooks = webhooks;
        this.gate = gate;
        this.operations = new Operations(maxOperations, config.operationRetentionSeconds());
        this.mirror = new OperationMirror(store, sharedOperations,
                Duration.ofSeconds(config.abandonedOperationSeconds()));
        this.health = health;
        this.config = config;
        this.metrics = metrics;
    }

    public CompletableFuture<DeviceResponse> register(DeviceIdentity identity, DeviceClient client,
            DeviceRegistration body) {
        String registrationId = identity.registrationId();
        if (body.registrationId() != null && !body.registrationId().equalsIgnoreCase(registrationId)) {
            return CompletableFuture.completedFuture(DeviceResponse.error(DpsError.of(ErrorCodes.BAD_REQUEST,
                    "the body's registrationId '" + body.registrationId() + "' differs from '"
                            + registrationId + "' in the request"), null));
        }
        Optional<DeviceResponse> throttled = gate.throttle(RequestKind.REGISTER, registrationId);
        if (throttled.isPresent()) {
            metrics.registration("throttled");
            return CompletableFuture.completedFuture(throttled.get());
        }
        return onStore(answer -> {
            AuthOutcome outcome = authenticator.authenticate(identity);
            if (outcome instanceof AuthOutcome.Refused refused) {
                answer.complete(refuse(identity, refused));
                return;
            }
            AuthOutcome.Attested attested = (AuthOutcome.Attested) outcome;
            String groupId = attested.match().enrollmentGroupId();
            FaultAction fault = gate.fault(new DeviceRequest(registrationId, client.transport(), RequestKind.REGISTER,
                    groupId, groupId == null)).orElse(null);
            Optional<DeviceResponse> faulted = RequestGate.answerOf(fault);
            if (faulted.isPresent()) {
                answer.complete(faulted.get());
                return;
            }
            Optional<WebhookClient.Slot> webhookSlot = Optional.empty();
            if (attested.match().enabled() && allocator.policyOf(attested.match()) == AllocationPolicy.CUSTOM
                    && !(fault instanceof FaultAction.FailOperation)) {
                webhookSlot = webhooks.reserve();
                if (webhookSlot.isEmpty()) {
                    EventLog.overloaded("custom allocation webhook calls at allocation.maxConcurrentWebhookCalls");
                    metrics.registration("throttled");
                    answer.complete(busy("too many custom allocation webhook calls in progress"));
                    return;
                }
            }
            Optional<Operation> started = operations.start(registrationId, groupId, System.nanoTime());
            if (started.isEmpty()) {
                webhookSlot.ifPresent(WebhookClient.Slot::release);
                EventLog.overloaded("operation table full");
                metrics.registration("throttled");
                answer.complete(busy("too many registrations in progress"));
                return;
            }
            Operation operation = started.get();
            try {
                mirror.started(operation);
            } catch (RuntimeException e) {
                // the device gets 503 and never learns this operation: end it and give the slot back
                webhookSlot.ifPresent(WebhookClient.Slot::release);
                operation.finish(failed(registrationId, ErrorCodes.STORE_UNAVAILABLE, "not started"), System.nanoTime());
                throw e;
            }
            DeviceResponse accepted = DeviceResponse.accepted(new RegistrationOperationStatus(operation.operationId(),
                    RegistrationStatus.ASSIGNING, null), config.retryAfterSeconds());
            if (fault instanceof FaultAction.Delay delay) {
                gate.later(delay.millis(), () -> answer.complete(accepted));
            } else {
                answer.complete(accepted);
            }
            // the device has its 202; the assignment goes on in this task, so it needs no second queue slot
            if (fault instanceof FaultAction.FailOperation failure) {
                metrics.registration("failed");
                finish(operation, failed(registrationId, failure.errorCode(), failure.message()));
                return;
            }
            Assignment assignment = new Assignment(operation, registrationId, client, attested, body.payload());
            if (webhookSlot.isPresent()) {
                allocateByWebhook(assignment, webhookSlot.get());
            } else {
                settle(assignment, () -> assignBuiltIn(assignment));
            }
        });
    }

    /**
     * The status of an operation. A connection that has not yet passed authentication has its
     * credentials checked first, so an operation's result is only shown to its device, and fault
     * rules see only devices that proved who they are.
     */
    public CompletableFuture<DeviceResponse> operationStatus(DeviceIdentity identity, DeviceClient client,
            String operationId, boolean authenticated) {
        String registrationId = identity.registrationId();
        Optional<DeviceResponse> throttled = gate.throttle(RequestKind.POLL, registrationId);
        if (throttled.isPresent()) {
            return CompletableFuture.completedFuture(throttled.get());
        }
        Optional<Operation> local = operations.find(operationId, registrationId);
        // a poll answered by another node's operation does not know the device's enrollment
        String groupId = local.map(Operation::enrollmentGroupId).orElse(null);
        DeviceRequest request = new DeviceRequest(registrationId, client.transport(), RequestKind.POLL, groupId,
                local.isPresent() && groupId == null);
        Supplier<DeviceResponse> status = () -> statusOf(identity, operationId, local);
        if (authenticated && (local.isPresent() || !mirror.shared())) {
            // the status is in this node's memory: answered here, on the event loop
            CompletableFuture<DeviceResponse> answer = new CompletableFuture<>();
            answerPoll(answer, request, status, () -> answer.complete(status.get()));
            return answer;
        }
        return onStore(answer -> {
            if (!authenticated) {
                AuthOutcome outcome = authenticator.authenticate(identity);
                if (outcome instanceof AuthOutcome.Refused refused) {
                    answer.complete(refuse(identity, refused));
                    return;
                }
            }
            answerPoll(answer, request, status, () -> onStore(later -> later.complete(status.get()))
                    .thenAccept(answer::complete));
        });
    }

    /**
     * Answers a poll with a fault rule's answer, or with its status; a delayed status is read when
     * it leaves ({@code delayed} runs after the delay), so it is never older than the delay.
     */
    private void answerPoll(CompletableFuture<DeviceResponse> answer, DeviceRequest request,
            Supplier<DeviceResponse> status, Runnable delayed) {
        FaultAction fault = gate.fault(request).orElse(null);
        Optional<DeviceResponse> faulted = RequestGate.answerOf(fault);
        if (faulted.isPresent()) {
            answer.complete(faulted.get());
        } else if (fault instanceof FaultAction.Delay delay) {
            gate.later(delay.millis(), delayed);
        } else {
            answer.complete(status.get());
        }
    }

    /**
     * The device's registration record as a bare {@code DeviceRegistrationResult} (the HTTPS status
     * lookup), after its credentials are checked; 404 when it never registered. DPS counts a lookup
     * as a registration toward its quotas, and so does dpsemu; fault rules do not apply to it.
     */
    public CompletableFuture<DeviceResponse> registrationStatus(DeviceIdentity identity, DeviceClient client) {
        Optional<DeviceResponse> throttled = gate.throttle(RequestKind.REGISTER, identity.registrationId());
        if (throttled.isPresent()) {
            return CompletableFuture.completedFuture(throttled.get());
        }
        return onStore(answer -> {
            AuthOutcome outcome = authenticator.authenticate(identity);
            if (outcome instanceof AuthOutcome.Refused refused) {
                answer.complete(refuse(identity, refused));
                return;
            }
            answer.complete(store.findRegistration(identity.registrationId())
                    .map(record -> DeviceResponse.ok(resultOf(record, null, client)))
                    .orElseGet(() -> DeviceResponse.error(DpsError.of(ErrorCodes.REGISTRATION_NOT_FOUND,
                            "'" + identity.registrationId() + "' has no registration record"), null)));
        });
    }

    /** Forgets expired operations; called periodically. */
    public void sweep() {
        operations.sweep(System.nanoTime());
        if (mirror.shared()) {
            Instant cutoff = Instant.now().minusSeconds(config.operationRetentionSeconds());
            try {
                executor.execute(() -> {
                    try {
                        mirror.forgetUpdatedBefore(cutoff);
                    } catch (StoreException e) {
                        health.failed(e);
                    }
                });
            } catch (RejectedExecutionException busy) {
                // the next sweep will do it
            }
        }
    }

    /** From this node's table, else (on a shared store, on a store thread) from the store. */
    private DeviceResponse statusOf(DeviceIdentity identity, String operationId, Optional<Operation> local) {
        Optional<RegistrationOperationStatus> status = local.map(Operation::status);
        if (status.isEmpty()) {
            status = mirror.find(operationId, identity.registrationId());
        }
        if (status.isEmpty()) {
            return DeviceResponse.error(DpsError.of(ErrorCodes.OPERATION_NOT_FOUND, "operation '" + operationId
                    + "' is unknown for registration '" + identity.registrationId()
                    + "' (finished operations are kept " + config.operationRetentionSeconds() + " s)"), null);
        }
        RegistrationOperationStatus found = status.get();
        return found.status().isTerminal() ? DeviceResponse.ok(found)
                : DeviceResponse.accepted(found, config.retryAfterSeconds());
    }

    /**
     * Runs work on a store thread. The work completes the answer itself, so it can go on working
     * after the device has been answered.
     */
    private CompletableFuture<DeviceResponse> onStore(Consumer<CompletableFuture<DeviceResponse>> work) {
        CompletableFuture<DeviceResponse> answer = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    work.accept(answer);
                    health.succeeded();
                } catch (StoreException e) {
                    health.failed(e);
                    LOG.warn("store failure: {}", e.getMessage());
                    metrics.registration("error");
                    answer.complete(DeviceResponse.error(DpsError.of(ErrorCodes.STORE_UNAVAILABLE,
                            "the enrollment store is unavailable, retry later"), config.retryAfterSeconds()));
                } catch (RuntimeException e) {
                    LOG.error("unexpected failure", e);
                    answer.complete(DeviceResponse.error(DpsError.of(ErrorCodes.INTERNAL_ERROR,
                            "internal error"), config.retryAfterSeconds()));
                }
            });
        } catch (RejectedExecutionException e) {
            EventLog.overloaded("store queue full");
            metrics.registration("throttled");
            answer.complete(busy("the server is busy"));
        }
        return answer;
    }

    private DeviceResponse busy(String why) {
        return DeviceResponse.error(DpsError.of(ErrorCodes.SERVER_BUSY, why + ", retry after "
                + config.retryAfterSeconds() + " s"), config.retryAfterSeconds());
    }

    private DeviceResponse refuse(DeviceIdentity identity, AuthOutcome.Refused refused) {
        EventLog.authFailed(identity.registrationId(), refused.reason());
        metrics.registration("unauthorized");
        String message = config.detailedErrors() ? refused.reason() : "Unauthorized";
        return DeviceResponse.unauthorized(DpsError.of(refused.errorCode(), message));
    }

    /** One registration between its 202 and its terminal result. */
    private record Assignment(Operation operation, String registrationId, DeviceClient client,
            AuthOutcome.Attested attested, JsonNode payload) {

        EnrollmentMatch match() {
            return attested.match();
        }
    }

    /**
     * Runs the rest of an assignment on this store thread and finishes the operation with its
     * result, or with the reason it failed.
     */
    private void settle(Assignment assignment, Supplier<DeviceRegistrationResult> work) {
        String registrationId = assignment.registrationId();
        DeviceRegistrationResult result;
        try {
            result = work.get();
        } catch (StoreException e) {
            health.failed(e);
            LOG.warn("registration record of {} could not be written: {}", registrationId, e.getMessage());
            metrics.registration("error");
            result = failed(registrationId, ErrorCodes.STORE_UNAVAILABLE,
                    "the registration record could not be stored: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("assignment of {} failed", registrationId, e);
            metrics.registration("error");
            result = failed(registrationId, ErrorCodes.INTERNAL_ERROR, "internal error while assigning");
        }
        finish(assignment.operation(), result);
    }

    private void finish(Operation operation, DeviceRegistrationResult result) {
        operation.finish(result, System.nanoTime());
        try {
            mirror.finished(operation, result);
        } catch (StoreException e) {
            // this node still answers the device's polls; only a poll on another node misses it
            health.failed(e);
            LOG.warn("operation {} could not be shared: {}", operation.operationId(), e.getMessage());
        }
        metrics.registrationDuration(Duration.ofNanos(System.nanoTime() - operation.startedNanos()));
    }

    private DeviceRegistrationResult assignBuiltIn(Assignment assignment) {
        EnrollmentMatch match = assignment.match();
        if (!match.enabled()) {
            return disabled(assignment.registrationId(), match);
        }
        Reprovisioning.Before before = before(assignment.registrationId());
        Optional<String> hub = before.currentHub() != null && !match.reprovisionPolicy().updateHubAssignment()
                ? Optional.of(before.currentHub())
                : allocator.allocate(assignment.registrationId(), match);
        if (hub.isEmpty()) {
            return notAssignable(assignment.registrationId());
        }
        return record(assignment, before, hub.get(), match.initialTwin(), null);
    }

    /**
     * Asks the enrollment's webhook for the hub (service-api.md §4); the answer is stored on a store
     * thread. The webhook is asked even when the device may not move: it is then offered only its
     * current hub, and still supplies the payload.
     */
    private void allocateByWebhook(Assignment assignment, WebhookClient.Slot slot) {
        String registrationId = assignment.registrationId();
        EnrollmentMatch match = assignment.match();
        Reprovisioning.Before before;
        CompletableFuture<AllocationResponse> reply;
        try {
            before = before(registrationId);
            Optional<AllocationRequest> request = webhookRequest(assignment, before);
            CustomAllocationDefinition definition = match.customAllocationDefinition();
            if (request.isEmpty() || definition == null || definition.webhookUrl() == null) {
                slot.release();
                finish(assignment.operation(), request.isEmpty() ? notAssignable(registrationId)
                        : customAllocationFailed(registrationId,
                                "Custom allocation failed: the enrollment has no customAllocationDefinition.webhookUrl"));
                return;
            }
            reply = slot.call(definition.webhookUrl(), request.get());
        } catch (RuntimeException e) {
            slot.release();
            settle(assignment, () -> {
                throw e;
            });
            return;
        }
        reply.whenComplete((allocation, error) -> {
            try {
                executor.execute(() -> settle(assignment, () -> error == null
                        ? record(assignment, before, allocation.iotHubHostName(), allocation.initialTwin() != null
                                ? allocation.initialTwin() : match.initialTwin(), allocation.payload())
                        : customAllocationFailed(registrationId, reasonOf(error))));
            } catch (RejectedExecutionException busy) {
                // no store write from a webhook thread: the result stays in this node's memory
                EventLog.overloaded("store queue full");
                metrics.registration("error");
                assignment.operation().finish(failed(registrationId, ErrorCodes.SERVER_BUSY,
                        "the server was too busy to store the custom allocation; register again"), System.nanoTime());
            }
        });
    }

    /** The webhook's request, or empty when the enrollment offers no linked hub. */
    private Optional<AllocationRequest> webhookRequest(Assignment assignment, Reprovisioning.Before before) {
        EnrollmentMatch match = assignment.match();
        String current = before.currentHub();
        List<String> offered = current != null && !match.reprovisionPolicy().updateHubAssignment()
                ? List.of(current) : allocator.candidateHubs(match);
        if (offered.isEmpty()) {
            return Optional.empty();
        }
        X509RegistrationResult x509 = assignment.attested().x509();
        return Optional.of(new AllocationRequest(match.enrollmentGroupId() == null, match.document(),
                assignment.registrationId(), current, current == null ? null : before.current().deviceId(),
                x509 != null ? "x509" : "symmetricKey", x509, assignment.payload(), offered));
    }

    private static String reasonOf(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof CustomAllocationException ? cause.getMessage() : "Custom allocation failed: " + cause;
    }

    /** The device's record, and only when it has no assignment, the record deleted last (one more read). */
    private Reprovisioning.Before before(String registrationId) {
        RegistrationRecord current = store.findRegistration(registrationId).orElse(null);
        Reprovisioning.Before known = new Reprovisioning.Before(current, null);
        return known.currentHub() != null ? known
                : new Reprovisioning.Before(current, store.findRetiredRegistration(registrationId).orElse(null));
    }

    /** Applies the reprovision policy and writes the durable record before anyone is told {@code assigned}. */
    private DeviceRegistrationResult record(Assignment assignment, Reprovisioning.Before before, String chosenHub,
            JsonNode initialTwin, JsonNode payload) {
        String registrationId = assignment.registrationId();
        EnrollmentMatch match = assignment.match();
        String deviceId = match.deviceId(registrationId);
        Reprovisioning.Outcome outcome = Reprovisioning.decide(match.reprovisionPolicy(), before, chosenHub, deviceId,
                initialTwin);
        DeviceCapabilities capabilities = match.capabilities() != null ? match.capabilities()
                : new DeviceCapabilities(false);
        AttestationType attestation = assignment.attested().x509() == null ? AttestationType.SYMMETRIC_KEY
                : AttestationType.X509;
        RegistrationRecord stored = store.putRegistration(new RegistrationRecord(registrationId,
                match.enrollmentGroupId(), attestation, deviceId, outcome.hub(), RegistrationStatus.ASSIGNED,
                outcome.substatus(), null, null, payload, null, null, null, outcome.twin(), capabilities));
        EventLog.assigned(registrationId, outcome.hub(), deviceId);
        metrics.registration("assigned");
        return resultOf(stored, assignment.attested().x509(), assignment.client());
    }

    private DeviceRegistrationResult notAssignable(String registrationId) {
        String reason = "no linked IoT hub matches the enrollment's allocation settings";
        EventLog.notAssigned(registrationId, "failed", reason);
        metrics.registration("failed");
        return failed(registrationId, ErrorCodes.NO_HUB_ASSIGNABLE, reason);
    }

    private DeviceRegistrationResult customAllocationFailed(String registrationId, String reason) {
        EventLog.notAssigned(registrationId, "failed", reason);
        metrics.registration("failed");
        return failed(registrationId, ErrorCodes.CUSTOM_ALLOCATION_FAILED, reason);
    }

    /**
     * The device-facing view of a registration record. An X.509 device is told about its
     * certificates when they are at hand (at registration); the record keeps only the group. A device
     * whose api-version predates {@code reprovisionedToInitialAssignment} is told
     * {@code initialAssignment}, as DPS does; the record keeps the newer substatus.
     */
    private static DeviceRegistrationResult resultOf(RegistrationRecord record, X509RegistrationResult x509,
            DeviceClient client) {
        boolean certificate = record.attestationType() == AttestationType.X509;
        String groupId = record.enrollmentGroupId();
        DeviceRegistrationResult result = new DeviceRegistrationResult(record.registrationId(),
                record.createdDateTimeUtc(), record.assignedHub(), record.deviceId(), record.status(),
                record.substatus(), record.errorCode(), record.errorMessage(), record.lastUpdatedDateTimeUtc(),
                record.etag(), record.payload(),
                certificate || groupId == null ? null : new SymmetricKeyRegistrationResult(groupId),
                !certificate ? null : x509 != null ? x509 : new X509RegistrationResult(null, groupId, null));
        return record.substatus() == RegistrationSubstatus.REPROVISIONED_TO_INITIAL_ASSIGNMENT
                && !client.knowsReprovisionedSubstatus()
                ? result.withSubstatus(RegistrationSubstatus.INITIAL_ASSIGNMENT) : result;
    }

    private DeviceRegistrationResult disabled(String registrationId, EnrollmentMatch match) {
        String reason = match.enrollmentGroupId() == null
                ? "the individual enrollment of '" + registrationId + "' is disabled"
                : "the enrollment group '" + match.enrollmentGroupId() + "' is disabled";
        EventLog.notAssigned(registrationId, "disabled", reason);
        metrics.registration("disabled");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return new DeviceRegistrationResult(registrationId, now, null, null, RegistrationStatus.DISABLED, null,
                ErrorCodes.ENROLLMENT_DISABLED, reason, now, null, null, null, null);
    }

    private static DeviceRegistrationResult failed(String registrationId, int errorCode, String message) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return new DeviceRegistrationResult(registrationId, now, null, null, RegistrationStatus.FAILED, null,
                errorCode, message, now, null, null, null, null);
    }

    /**
     * Checks a device's credentials on a store thread, without registering it: an MQTT connection
     * that names a registration id a live session holds proves its identity this way before it takes
     * over. The future fails with {@link RejectedExecutionException} when the store queue is full and
     * with {@link StoreException} when the store is unavailable.
     */
    public CompletableFuture<AuthOutcome> verifyCredentials(DeviceIdentity identity) {
        CompletableFuture<AuthOutcome> outcome = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    outcome.complete(authenticator.authenticate(identity));
                    health.succeeded();
                } catch (StoreException e) {
                    health.failed(e);
                    outcome.completeExceptionally(e);
                } catch (RuntimeException e) {
                    LOG.error("unexpected failure", e);
                    outcome.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            EventLog.overloaded("store queue full");
            outcome.completeExceptionally(e);
        }
        return outcome;
    }
}
