package io.dpsemu.server.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.LogSafe;
import io.dpsemu.protocol.Transport;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.CustomAllocationDefinition;
import io.dpsemu.protocol.enrollment.DeviceCapabilities;
import io.dpsemu.protocol.model.DeviceRegistrationResult;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.protocol.model.X509RegistrationResult;
import io.dpsemu.server.allocation.AllocationRequest;
import io.dpsemu.server.allocation.CustomAllocationException;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.EventLog;
import io.dpsemu.server.metrics.RegistrationOutcome;
import io.dpsemu.server.metrics.StoreHealth;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.Store;
import io.dpsemu.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 2 of a registration, after the device has its {@code 202}: the hub (allocation policy or
 * custom webhook), the reprovisioning outcome, the durable record (with the certificate admission signed,
 * if any: the previous one becomes superseded), then the operation's result.
 * It starts on the store thread that admitted the registration (the device's current record is
 * read there), goes through a webhook thread for a custom allocation, and ends on the committer's
 * thread once the record is durable; outcomes without a record (disabled, failed) end where they
 * are decided. A store that fails while the current record is read does not fail the registration:
 * the assignment is tried again later and polls are told to retry meanwhile.
 */
final class Assigner {

    private static final Logger LOG = LoggerFactory.getLogger(Assigner.class);
    private static final long RETRY_MILLIS = 1_000;

    private final Store store;
    private final HubAllocator allocator;
    private final RecordCommitter committer;
    private final OperationTable operations;
    private final OperationMirror mirror;
    private final StoreExecutor executor;
    private final EngineTimer timer;
    private final StoreHealth health;
    private final DpsMetrics metrics;
    private final long giveUpNanos;
    private final int supersededKept;

    /** @param supersededKept how many earlier issued certificates a record lists ({@code issuance.supersededKept}) */
    Assigner(Store store, HubAllocator allocator, RecordCommitter committer, OperationTable operations,
            OperationMirror mirror, StoreExecutor executor, EngineTimer timer, StoreHealth health, DpsMetrics metrics,
            Duration giveUpAfter, int supersededKept) {
        this.store = store;
        this.allocator = allocator;
        this.committer = committer;
        this.operations = operations;
        this.mirror = mirror;
        this.executor = executor;
        this.timer = timer;
        this.health = health;
        this.metrics = metrics;
        this.giveUpNanos = giveUpAfter.toNanos();
        this.supersededKept = supersededKept;
    }

    /** Runs on a store thread; hands the record to the committer, or finishes the operation without one. */
    void assign(Assignment assignment) {
        assert EngineThreads.onStoreThread() : EngineThreads.current();
        String registrationId = assignment.registrationId();
        try {
            if (assignment.injectedFailure() != null) {
                finish(assignment, RegistrationOutcome.FAILED, DeviceRegistrationResult.failed(registrationId,
                        assignment.injectedFailure().errorCode(), assignment.injectedFailure().message(), now()));
                return;
            }
            EnrollmentMatch match = assignment.match();
            if (!match.enabled()) {
                finish(assignment, RegistrationOutcome.DISABLED, disabled(assignment, match));
                return;
            }
            Reprovisioning.Before before = before(registrationId);
            health.succeeded();
            if (assignment.webhookSlot() != null) {
                askWebhook(assignment, before);
                return;
            }
            Optional<String> hub = before.currentHub() != null && !match.reprovisionPolicy().updateHubAssignment()
                    ? Optional.of(before.currentHub())
                    : allocator.allocate(registrationId, match);
            if (hub.isEmpty()) {
                finish(assignment, RegistrationOutcome.FAILED, notAssignable(assignment));
                return;
            }
            commit(assignment, before, hub.get(), match.initialTwin(), null);
        } catch (StoreException e) {
            health.failed(e);
            retryLater(assignment, e);
        } catch (RuntimeException e) {
            LOG.error("assignment of {} failed", LogSafe.of(registrationId), e);
            failInternally(assignment);
        }
    }

    /**
     * The store could not be read: the assignment runs again in a while, and polls meanwhile get
     * 503 with retry-after; after the give-up time the operation is forgotten (the device registers again).
     */
    private void retryLater(Assignment assignment, StoreException cause) {
        Operation operation = assignment.operation();
        if (System.nanoTime() - operation.startedNanos() > giveUpNanos) {
            LOG.warn("assignment of {} given up after store failures: {}", LogSafe.of(assignment.registrationId()),
                    LogSafe.of(cause.getMessage()));
            releaseSlot(assignment);
            operations.abandon(operation);
            return;
        }
        LOG.warn("assignment of {} waits for the store: {}", LogSafe.of(assignment.registrationId()),
                LogSafe.of(cause.getMessage()));
        operation.storeTrouble(cause.getMessage());
        timer.schedule(() -> {
            try {
                executor.execute(() -> assign(assignment));
            } catch (RejectedExecutionException busy) {
                retryLater(assignment, cause);
            }
        }, RETRY_MILLIS);
    }

    /**
     * Asks the enrollment's webhook for the hub. The webhook is asked even when the device may not
     * move: it is then offered only its current hub, and still supplies the payload. Its reply is
     * turned into the record on the webhook's thread (no store read is left to do).
     */
    private void askWebhook(Assignment assignment, Reprovisioning.Before before) {
        String registrationId = assignment.registrationId();
        EnrollmentMatch match = assignment.match();
        Optional<AllocationRequest> request = webhookRequest(assignment, before);
        CustomAllocationDefinition definition = match.customAllocationDefinition();
        if (request.isEmpty() || definition == null || definition.webhookUrl() == null) {
            releaseSlot(assignment);
            finish(assignment, RegistrationOutcome.FAILED, request.isEmpty() ? notAssignable(assignment)
                    : customAllocationFailed(assignment,
                            "Custom allocation failed: the enrollment has no customAllocationDefinition.webhookUrl"));
            return;
        }
        assignment.webhookSlot().call(definition.webhookUrl(), request.get()).whenComplete((allocation, error) -> {
            try {
                if (error != null) {
                    finish(assignment, RegistrationOutcome.FAILED, customAllocationFailed(assignment,
                            reasonOf(error)));
                } else {
                    commit(assignment, before, allocation.iotHubHostName(), allocation.initialTwin() != null
                            ? allocation.initialTwin() : match.initialTwin(), allocation.payload());
                }
            } catch (RuntimeException e) {
                LOG.error("custom allocation of {} failed", LogSafe.of(registrationId), e);
                failInternally(assignment);
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

    /** Applies the reprovision policy and queues the record; the operation finishes once the record is durable. */
    private void commit(Assignment assignment, Reprovisioning.Before before, String chosenHub, JsonNode initialTwin,
            JsonNode payload) {
        String registrationId = assignment.registrationId();
        EnrollmentMatch match = assignment.match();
        String deviceId = match.deviceId(registrationId);
        Reprovisioning.Outcome outcome = Reprovisioning.decide(match.reprovisionPolicy(), before, chosenHub, deviceId,
                initialTwin);
        DeviceCapabilities capabilities = match.capabilities() != null ? match.capabilities()
                : new DeviceCapabilities(false);
        X509RegistrationResult x509 = assignment.attested().x509();
        RegistrationRecord record = RegistrationRecord.assigned(registrationId, match.enrollmentGroupId(),
                x509 == null ? AttestationType.SYMMETRIC_KEY : AttestationType.X509, deviceId, outcome.hub(),
                outcome.substatus(), payload, outcome.twin(), capabilities).carryingCertificatesOf(before.current());
        if (assignment.certificate() != null) {
            record = record.withIssuedCertificate(CertificateRequests.recordOf(assignment.certificate()), now(),
                    supersededKept);
        }
        committer.submit(new RecordCommitter.Pending(assignment.operation(), record,
                stored -> assigned(assignment, stored), refused -> failInternally(assignment)));
    }

    /** On the committer's thread: the record is durable, so the device may now be told. */
    private void assigned(Assignment assignment, RegistrationRecord stored) {
        assert EngineThreads.onCommitThread() : EngineThreads.current();
        EventLog.assigned(stored.registrationId(), assignment.client().transport(), stored.assignedHub(),
                stored.deviceId());
        DeviceRegistrationResult result = ResultView.of(stored, assignment.attested().x509(), assignment.client());
        finish(assignment, RegistrationOutcome.ASSIGNED, assignment.certificate() == null ? result
                : result.withIssuedCertificateChain(assignment.certificate().certificate().chainBase64()));
    }

    /** Ends the operation with its result, counted once (a finished operation stays as it is). */
    private void finish(Assignment assignment, RegistrationOutcome outcome, DeviceRegistrationResult result) {
        Operation operation = assignment.operation();
        if (!operation.finish(result, System.nanoTime())) {
            return;
        }
        operations.finished(operation);
        Transport transport = assignment.client().transport();
        metrics.registration(transport, outcome);
        metrics.registrationDuration(transport, outcome,
                Duration.ofNanos(operation.finishedNanos() - operation.startedNanos()));
        mirror.finished(operation, result);
    }

    private void failInternally(Assignment assignment) {
        releaseSlot(assignment);
        finish(assignment, RegistrationOutcome.ERROR, DeviceRegistrationResult.failed(assignment.registrationId(),
                ErrorCodes.INTERNAL_ERROR, "internal error while assigning", now()));
    }

    private static void releaseSlot(Assignment assignment) {
        if (assignment.webhookSlot() != null) {
            assignment.webhookSlot().release();
        }
    }

    private DeviceRegistrationResult notAssignable(Assignment assignment) {
        String registrationId = assignment.registrationId();
        String reason = "no linked IoT hub matches the enrollment's allocation settings";
        EventLog.notAssigned(registrationId, assignment.client().transport(), "failed", reason);
        return DeviceRegistrationResult.failed(registrationId, ErrorCodes.NO_HUB_ASSIGNABLE, reason, now());
    }

    private DeviceRegistrationResult customAllocationFailed(Assignment assignment, String reason) {
        String registrationId = assignment.registrationId();
        EventLog.notAssigned(registrationId, assignment.client().transport(), "failed", reason);
        return DeviceRegistrationResult.failed(registrationId, ErrorCodes.CUSTOM_ALLOCATION_FAILED, reason, now());
    }

    private DeviceRegistrationResult disabled(Assignment assignment, EnrollmentMatch match) {
        String registrationId = assignment.registrationId();
        String reason = match.enrollmentGroupId() == null
                ? "the individual enrollment of '" + registrationId + "' is disabled"
                : "the enrollment group '" + match.enrollmentGroupId() + "' is disabled";
        EventLog.notAssigned(registrationId, assignment.client().transport(), "disabled", reason);
        return DeviceRegistrationResult.disabled(registrationId, ErrorCodes.ENROLLMENT_DISABLED, reason, now());
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
