package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.RequestKind;
import io.dpsemu.protocol.auth.RegistrationIds;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.model.DeviceRegistration;
import io.dpsemu.server.allocation.WebhookClient;
import io.dpsemu.server.device.DeviceClient;
import io.dpsemu.server.device.DeviceIdentity;
import io.dpsemu.server.device.DeviceRequest;
import io.dpsemu.server.device.DeviceResponse;
import io.dpsemu.server.faults.FaultAction;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.RegistrationOutcome;
import java.util.Optional;

/**
 * Step 1 of a registration: whether the server takes it, and under which operation. {@link #screen}
 * refuses, on the caller's thread, what needs no store (a bad registration id, a body naming another
 * device, a quota). {@link #admit}, on a store thread, checks the credentials, applies the fault
 * rules, starts the operation (or joins the one the registration id has running), signs the certificate
 * a {@code csr} asks for ({@link CertificateRequests}) and reserves a webhook call for a custom
 * allocation; the {@link Assigner} takes it from there.
 */
final class Admission {

    /** What admission decided, and what the device is told now. */
    sealed interface Verdict {
        DeviceResponse answer();
    }

    record Refused(DeviceResponse answer) implements Verdict {
    }

    /**
     * @param answerDelayMillis a fault rule's delay of the answer; 0 normally
     * @param assignment        the work of step 2; null when the register joined a running operation
     */
    record Admitted(DeviceResponse answer, long answerDelayMillis, Assignment assignment) implements Verdict {
    }

    private final DeviceAuthenticator authenticator;
    private final RequestGate gate;
    private final OperationTable operations;
    private final OperationMirror mirror;
    private final HubAllocator allocator;
    private final WebhookClient webhooks;
    private final CertificateRequests certificates;
    private final DeviceAnswers answers;
    private final DpsMetrics metrics;

    Admission(DeviceAuthenticator authenticator, RequestGate gate, OperationTable operations, OperationMirror mirror,
            HubAllocator allocator, WebhookClient webhooks, CertificateRequests certificates, DeviceAnswers answers,
            DpsMetrics metrics) {
        this.authenticator = authenticator;
        this.gate = gate;
        this.operations = operations;
        this.mirror = mirror;
        this.allocator = allocator;
        this.webhooks = webhooks;
        this.certificates = certificates;
        this.answers = answers;
        this.metrics = metrics;
    }

    /**
     * The checks every device request passes before any store work, on the caller's thread: the
     * registration id rules (the same for every transport), the register body's id, the quotas.
     *
     * @param body the register body; null for other requests
     */
    Optional<DeviceResponse> screen(RequestKind kind, DeviceIdentity identity, DeviceClient client,
            DeviceRegistration body) {
        String registrationId = identity.registrationId();
        Optional<String> badId = RegistrationIds.problem(registrationId);
        if (badId.isPresent()) {
            return Optional.of(answers.badRequest(badId.get()));
        }
        if (body != null && body.registrationId() != null && !body.registrationId().equalsIgnoreCase(registrationId)) {
            return Optional.of(answers.badRequest("the body's registrationId '" + body.registrationId()
                    + "' differs from '" + registrationId + "' in the request"));
        }
        Optional<DeviceResponse> throttled = gate.throttle(kind, registrationId);
        if (throttled.isPresent() && kind == RequestKind.REGISTER) {
            metrics.registration(client.transport(), RegistrationOutcome.THROTTLED);
        }
        return throttled;
    }

    /** Credentials, fault rules, the operation and a webhook slot, on a store thread. */
    Verdict admit(DeviceIdentity identity, DeviceClient client, DeviceRegistration body) {
        assert EngineThreads.onStoreThread() : EngineThreads.current();
        AuthOutcome outcome = authenticator.authenticate(identity);
        if (outcome instanceof AuthOutcome.Refused refused) {
            metrics.registration(client.transport(), RegistrationOutcome.UNAUTHORIZED);
            return new Refused(answers.refused(identity, client, refused));
        }
        AuthOutcome.Attested attested = (AuthOutcome.Attested) outcome;
        String registrationId = identity.registrationId();
        String groupId = attested.match().enrollmentGroupId();
        FaultAction fault = gate.fault(new DeviceRequest(registrationId, client.transport(), RequestKind.REGISTER,
                groupId, groupId == null)).orElse(null);
        Optional<DeviceResponse> faulted = RequestGate.answerOf(fault);
        if (faulted.isPresent()) {
            return new Refused(faulted.get());
        }
        long delayMillis = fault instanceof FaultAction.Delay delay ? delay.millis() : 0;
        OperationTable.Start start = operations.start(registrationId, groupId, System.nanoTime());
        if (start instanceof OperationTable.Start.Refused full) {
            metrics.registration(client.transport(), RegistrationOutcome.THROTTLED);
            return new Refused(answers.busy(full.reason()));
        }
        if (start instanceof OperationTable.Start.Joined joined) {
            return new Admitted(answers.accepted(joined.operation()), delayMillis, null);
        }
        Operation operation = ((OperationTable.Start.Started) start).operation();
        FaultAction.FailOperation injectedFailure = fault instanceof FaultAction.FailOperation failure ? failure : null;
        // after the start, so a register that joins a running operation signs nothing, and only for a
        // registration that can be assigned
        CertificateRequests.Decision certificate = injectedFailure == null && attested.match().enabled()
                ? certificates.decide(registrationId, client, body.csr(), attested.match())
                : CertificateRequests.NOT_REQUESTED;
        if (certificate instanceof CertificateRequests.Refused refusedCsr) {
            operations.abandon(operation);
            return new Refused(answers.badRequest(refusedCsr.reason()));
        }
        WebhookClient.Slot slot = null;
        if (injectedFailure == null && attested.match().enabled()
                && allocator.policyOf(attested.match()) == AllocationPolicy.CUSTOM) {
            slot = webhooks.reserve().orElse(null);
            if (slot == null) {
                operations.abandon(operation);
                metrics.registration(client.transport(), RegistrationOutcome.THROTTLED);
                return new Refused(answers.busy("too many custom allocation webhook calls in progress"
                        + " (allocation.maxConcurrentWebhookCalls)"));
            }
        }
        try {
            mirror.started(operation);
        } catch (RuntimeException e) {
            // the device gets 503 and never learns this operation
            if (slot != null) {
                slot.release();
            }
            operations.abandon(operation);
            throw e;
        }
        return new Admitted(answers.accepted(operation), delayMillis,
                new Assignment(operation, client, attested, body.payload(),
                        certificate instanceof CertificateRequests.Issued issued ? issued : null, injectedFailure,
                        slot));
    }
}
