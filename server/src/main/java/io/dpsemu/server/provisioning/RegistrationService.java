package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.RequestKind;
import io.dpsemu.protocol.model.DeviceRegistration;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.allocation.WebhookClient;
import io.dpsemu.server.config.LimitsConfig;
import io.dpsemu.server.config.ProvisioningConfig;
import io.dpsemu.server.device.DeviceClient;
import io.dpsemu.server.device.DeviceIdentity;
import io.dpsemu.server.device.DeviceResponse;
import io.dpsemu.server.issuance.CredentialPolicies;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.StoreHealth;
import io.dpsemu.store.Store;
import io.dpsemu.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The provisioning engine's entry points, called by every transport (MQTT, MQTT over WebSocket,
 * HTTPS); no Netty types. A register is two steps:
 * <ol>
 *   <li>{@link Admission}: screened on the caller's thread, then admitted on a store thread
 *       (credentials, fault rules, the operation, a webhook slot). The device is answered there:
 *       {@code 202 assigning} with the operation id, or why not.</li>
 *   <li>{@link Assigner}: then, on the same store thread, the assignment, which ends once the
 *       {@link RecordCommitter} has made the record durable; only then does a poll see
 *       {@code assigned}.</li>
 * </ol>
 * Polls and status lookups are the {@link StatusAnswers}. {@link EngineThreads} lists which thread
 * runs what; answers complete on engine threads, and transports hop back to their event loop.
 */
public final class RegistrationService implements AutoCloseable {

    private final Admission admission;
    private final Assigner assigner;
    private final StatusAnswers statuses;
    private final StoreTasks tasks;
    private final OperationTable operations;
    private final OperationMirror mirror;
    private final RecordCommitter committer;
    private final DeviceAuthenticator authenticator;
    private final StoreExecutor executor;
    private final EngineTimer timer;
    private final StoreHealth health;
    private final long retentionSeconds;

    private RegistrationService(Builder b) {
        ProvisioningConfig config = b.provisioning;
        LimitsConfig limits = b.limits;
        DeviceAnswers answers = new DeviceAnswers(config);
        Duration giveUp = Duration.ofSeconds(config.operationRetentionSeconds());
        this.executor = b.executor;
        this.timer = b.timer;
        this.health = b.health;
        this.authenticator = b.authenticator;
        this.retentionSeconds = config.operationRetentionSeconds();
        this.operations = new OperationTable(limits.maxOperations(), limits.maxInflightPerCredential(),
                config.operationRetentionSeconds());
        this.committer = new RecordCommitter(b.store, b.health, b.executor.watchdog(), b.metrics, operations::abandon,
                limits.groupCommitMaxRecords(), limits.groupCommitMaxWaitMicros(), giveUp.toSeconds());
        this.mirror = new OperationMirror(b.store, committer, b.sharedOperations,
                Duration.ofSeconds(config.abandonedOperationSeconds()));
        this.tasks = new StoreTasks(b.executor, b.health, answers, b.metrics,
                b.executor.watchdog().callTimeout().toMillis());
        this.admission = new Admission(b.authenticator, b.gate, operations, mirror, b.allocator, b.webhooks,
                new CertificateRequests(b.credentialPolicies, b.metrics), answers, b.metrics);
        this.assigner = new Assigner(b.store, b.allocator, committer, operations, mirror, b.executor, b.timer, b.health,
                b.metrics, giveUp, b.credentialPolicies.supersededKept());
        this.statuses = new StatusAnswers(operations, mirror, b.authenticator, b.gate, tasks, b.timer, b.health,
                answers, b.store, config.pollWaitMillis(), config.operationRetentionSeconds());
        b.metrics.operations(operations::size, operations::inflight);
    }

    public static Builder builder() {
        return new Builder();
    }

    public CompletableFuture<DeviceResponse> register(DeviceIdentity identity, DeviceClient client,
            DeviceRegistration body) {
        Optional<DeviceResponse> screened = admission.screen(RequestKind.REGISTER, identity, client, body);
        if (screened.isPresent()) {
            return CompletableFuture.completedFuture(screened.get());
        }
        return tasks.runRegister(client.transport(), answer -> {
            Admission.Verdict verdict = admission.admit(identity, client, body);
            reply(answer, verdict);
            if (verdict instanceof Admission.Admitted admitted && admitted.assignment() != null) {
                assigner.assign(admitted.assignment());
            }
        });
    }

    /**
     * The status of an operation; {@code authenticated} says whether the connection has already
     * proved the device's credentials (an MQTT session after a successful register).
     */
    public CompletableFuture<DeviceResponse> operationStatus(DeviceIdentity identity, DeviceClient client,
            String operationId, boolean authenticated) {
        Optional<DeviceResponse> screened = admission.screen(RequestKind.POLL, identity, client, null);
        return screened.isPresent() ? CompletableFuture.completedFuture(screened.get())
                : statuses.operationStatus(identity, client, operationId, authenticated);
    }

    /** The device's registration record (the HTTPS status lookup), after its credentials are checked. */
    public CompletableFuture<DeviceResponse> registrationStatus(DeviceIdentity identity, DeviceClient client) {
        Optional<DeviceResponse> screened = admission.screen(RequestKind.REGISTER, identity, client, null);
        return screened.isPresent() ? CompletableFuture.completedFuture(screened.get())
                : statuses.registrationStatus(identity, client);
    }

    /**
     * Checks the device's credentials without registering it: a new MQTT connection for a
     * registration id that already has a session must prove it is that device before it may take
     * the session over. A store that cannot answer refuses the newcomer, so the session stays.
     */
    public CompletableFuture<AuthOutcome> verifyCredentials(DeviceIdentity identity) {
        AuthOutcome.Refused unavailable = new AuthOutcome.Refused(ErrorCodes.STORE_UNAVAILABLE,
                "the credentials could not be checked now: the store is unavailable");
        if (health.isStalled()) {
            return CompletableFuture.completedFuture(unavailable);
        }
        try {
            return executor.submit(answer -> {
                try {
                    answer.complete(authenticator.authenticate(identity));
                } catch (StoreException e) {
                    health.failed(e);
                    answer.complete(unavailable);
                }
            }, () -> unavailable);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(unavailable);
        }
    }

    /** Forgets expired operations; called periodically. */
    public void sweep() {
        operations.sweep(System.nanoTime());
        if (mirror.shared()) {
            Instant cutoff = Instant.now().minusSeconds(retentionSeconds);
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

    /** Writes the records still queued, then stops the committer. */
    @Override
    public void close() {
        committer.close();
    }

    /** The device's answer from step 1, after a fault rule's delay if one applies. */
    private void reply(CompletableFuture<DeviceResponse> answer, Admission.Verdict verdict) {
        if (verdict instanceof Admission.Admitted admitted && admitted.answerDelayMillis() > 0) {
            timer.schedule(() -> answer.complete(verdict.answer()), admitted.answerDelayMillis());
        } else {
            answer.complete(verdict.answer());
        }
    }

    /** What the engine is built from; {@code DpsServer} shows the production wiring. */
    public static final class Builder {
        private Store store;
        private StoreExecutor executor;
        private EngineTimer timer;
        private StoreHealth health;
        private DeviceAuthenticator authenticator;
        private HubAllocator allocator;
        private WebhookClient webhooks;
        private RequestGate gate;
        private CredentialPolicies credentialPolicies;
        private ProvisioningConfig provisioning = ProvisioningConfig.defaults();
        private LimitsConfig limits = LimitsConfig.defaults();
        private boolean sharedOperations;
        private DpsMetrics metrics;

        private Builder() {
        }

        public Builder store(Store value) {
            store = value;
            return this;
        }

        /** The store threads, with their deadlines and watchdog; shared with the service API. */
        public Builder executor(StoreExecutor value) {
            executor = value;
            return this;
        }

        public Builder timer(EngineTimer value) {
            timer = value;
            return this;
        }

        public Builder health(StoreHealth value) {
            health = value;
            return this;
        }

        public Builder authenticator(DeviceAuthenticator value) {
            authenticator = value;
            return this;
        }

        public Builder allocator(HubAllocator value) {
            allocator = value;
            return this;
        }

        public Builder webhooks(WebhookClient value) {
            webhooks = value;
            return this;
        }

        /** Quotas and fault rules. */
        public Builder gate(RequestGate value) {
            gate = value;
            return this;
        }

        /** The issuers of certificates that devices request with a CSR. */
        public Builder credentialPolicies(CredentialPolicies value) {
            credentialPolicies = value;
            return this;
        }

        public Builder provisioning(ProvisioningConfig value) {
            provisioning = value;
            return this;
        }

        public Builder limits(LimitsConfig value) {
            limits = value;
            return this;
        }

        /** Whether other nodes share the store and must see this node's operations. */
        public Builder sharedOperations(boolean value) {
            sharedOperations = value;
            return this;
        }

        public Builder metrics(DpsMetrics value) {
            metrics = value;
            return this;
        }

        public RegistrationService build() {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(executor, "executor");
            Objects.requireNonNull(timer, "timer");
            Objects.requireNonNull(health, "health");
            Objects.requireNonNull(authenticator, "authenticator");
            Objects.requireNonNull(allocator, "allocator");
            Objects.requireNonNull(webhooks, "webhooks");
            Objects.requireNonNull(gate, "gate");
            Objects.requireNonNull(credentialPolicies, "credentialPolicies");
            Objects.requireNonNull(metrics, "metrics");
            return new RegistrationService(this);
        }
    }
}
