package io.dpsemu.server.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsemu.protocol.Transport;
import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.CustomAllocationDefinition;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.model.DeviceRegistration;
import io.dpsemu.protocol.model.DeviceRegistrationResult;
import io.dpsemu.protocol.model.DpsError;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.protocol.model.RegistrationOperationStatus;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import io.dpsemu.server.allocation.WebhookClient;
import io.dpsemu.server.allocation.WebhookServer;
import io.dpsemu.server.config.AllocationConfig;
import io.dpsemu.server.config.LimitsConfig;
import io.dpsemu.server.config.LinkedHub;
import io.dpsemu.server.config.ProvisioningConfig;
import io.dpsemu.server.config.ServerConfig;
import io.dpsemu.server.config.ThrottlingConfig;
import io.dpsemu.server.device.DeviceClient;
import io.dpsemu.server.device.DeviceIdentity;
import io.dpsemu.server.device.DeviceResponse;
import io.dpsemu.server.faults.FaultRules;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.StoreHealth;
import io.dpsemu.server.throttling.Quotas;
import io.dpsemu.server.issuance.TestIssuers;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.memory.InMemoryStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistrationServiceTest {

    private static final String SCOPE = "0ne00C0FFEE";
    private static final String HUB = "hub-a.azure-devices.net";
    private static final int RETRY_AFTER = 3;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Random RANDOM = new Random(7);

    private final SwitchableStore store = new SwitchableStore(new InMemoryStore());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final DpsMetrics metrics = new DpsMetrics(registry);
    /** The store health of the engine built last. */
    private StoreHealth health;
    private final List<CountDownLatch> gates = new ArrayList<>();

    @AfterEach
    void tearDown() {
        gates.forEach(CountDownLatch::countDown);
        closeables.forEach(RegistrationServiceTest::closeQuietly);
        store.close();
    }

    /** Polls of an operation still assigning answer at once unless a test asks them to wait. */
    private int pollWaitMillis;

    private ProvisioningConfig config(boolean detailedErrors) {
        return ProvisioningConfig.builder().retryAfterSeconds(RETRY_AFTER).minResponseDelayMillis(0)
                .detailedErrors(detailedErrors).pollWaitMillis(pollWaitMillis).build();
    }

    private RegistrationService service() {
        return service(threads(2, 100), 1000, true);
    }

    private TestStoreThreads threads(int threads, int queue) {
        TestStoreThreads created = new TestStoreThreads(metrics, threads, queue);
        closeables.add(created);
        return created;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private RegistrationService service(TestStoreThreads threads, int maxOperations, boolean detailedErrors) {
        return service(threads, maxOperations, detailedErrors, new WebhookClient(ServerConfig.defaults().allocation()));
    }

    private RegistrationService service(TestStoreThreads threads, int maxOperations, boolean detailedErrors,
            WebhookClient webhooks) {
        return service(threads, limits -> limits.maxOperations(maxOperations), detailedErrors, webhooks);
    }

    private RegistrationService service(TestStoreThreads threads, UnaryOperator<LimitsConfig.Builder> limits,
            boolean detailedErrors) {
        return service(threads, limits, detailedErrors, new WebhookClient(ServerConfig.defaults().allocation()));
    }

    private RegistrationService service(TestStoreThreads threads, UnaryOperator<LimitsConfig.Builder> limits,
            boolean detailedErrors, WebhookClient webhooks) {
        health = threads.health();
        SasVerifier verifier = new SasVerifier(Duration.ofSeconds(300), Clock.systemUTC());
        RegistrationService service = threads.engine()
                .store(store)
                .authenticator(new DeviceAuthenticator(store, verifier, SCOPE, Clock.systemUTC()))
                .allocator(new HubAllocator(List.of(LinkedHub.of(HUB)), AllocationPolicy.HASHED))
                .webhooks(webhooks)
                .gate(openGate(metrics))
                .credentialPolicies(TestIssuers.localOnly())
                .provisioning(config(detailedErrors))
                .limits(limits.apply(LimitsConfig.builder().maxOperations(1000)).build())
                .metrics(metrics)
                .build();
        closeables.add(0, service);
        return service;
    }

    /** A device on MQTT with the api-version the Java, Node, Python and C# SDKs send. */
    static final DeviceClient MQTT = new DeviceClient(Transport.MQTT, "2019-03-31");

    /** No quotas, no fault rules: what the engine sees by default. */
    static RequestGate openGate(DpsMetrics metrics) {
        return new RequestGate(new Quotas(new ThrottlingConfig(0, 0, 0), metrics), new FaultRules(List.of(), metrics));
    }

    private static String newKey() {
        byte[] key = new byte[64];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static DeviceIdentity device(String registrationId, String key) {
        return new DeviceIdentity(SCOPE, registrationId, SasTokens.create(SCOPE + "/registrations/" + registrationId,
                key, Instant.now().plusSeconds(3600), "registration"));
    }

    private DeviceIdentity enrolled(String registrationId) {
        String key = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key, null), null);
        return device(registrationId, key);
    }

    private static DeviceResponse answer(CompletableFuture<DeviceResponse> future) {
        try {
            return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer", e);
        }
    }

    private static RegistrationOperationStatus status(DeviceResponse response) {
        assertThat(response.body()).isInstanceOf(RegistrationOperationStatus.class);
        return (RegistrationOperationStatus) response.body();
    }

    private static DpsError error(DeviceResponse response) {
        assertThat(response.body()).isInstanceOf(DpsError.class);
        DpsError error = (DpsError) response.body();
        assertThat(error.trackingId()).isNotBlank();
        assertThat(error.timestampUtc()).isNotNull();
        assertThat(error.message()).isNotBlank();
        assertThat(error.httpStatus()).isEqualTo(response.status());
        return error;
    }

    private String register(RegistrationService service, DeviceIdentity identity) {
        DeviceResponse response = answer(service.register(identity, MQTT, DeviceRegistration.EMPTY));
        assertThat(response.status()).isEqualTo(202);
        return status(response).operationId();
    }

    /** Polls as an authenticated connection until the operation has finished. */
    private DeviceResponse finished(RegistrationService service, DeviceIdentity identity, String operationId) {
        return await().atMost(WAIT).until(() -> answer(service.operationStatus(identity, MQTT, operationId, true)),
                response -> response.status() != 202);
    }

    /** Register requests that ended with {@code outcome}, whatever their transport. */
    private double registrations(String outcome) {
        return registry.find("dps.registrations").tag("outcome", outcome).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    @Test
    void register_whenCredentialsValid_thenAcceptedAssigningWithOperationIdAndRetryAfter() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");

        DeviceResponse response =
                answer(service.register(identity, MQTT, new DeviceRegistration("device-1", null, null, null)));

        assertThat(response.status()).isEqualTo(202);
        assertThat(response.retryAfterSeconds()).isEqualTo(RETRY_AFTER);
        assertThat(response.authFailure()).isFalse();
        RegistrationOperationStatus body = status(response);
        assertThat(body.status()).isEqualTo(RegistrationStatus.ASSIGNING);
        assertThat(body.operationId()).matches("4\\.[0-9a-f]{16}\\.[0-9a-f-]{36}");
    }

    @Test
    void register_whenRegisteredAgainAfterTheOperationFinished_thenNewOperationReplacesTheOld() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");
        String first = register(service, identity);
        finished(service, identity, first);

        String second = register(service, identity);

        assertThat(second).isNotEqualTo(first);
        assertThat(answer(service.operationStatus(identity, MQTT, first, true)).status())
                .as("one operation per registration id is kept").isEqualTo(404);
    }

    @Test
    void register_whenRegisteredAgainWhileAssigning_thenJoinsTheRunningOperation() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");
        gates.add(store.holdRegistrationWrites());
        String first = register(service, identity);
        await().atMost(WAIT).until(store::registrationWriteReached);

        String second = register(service, identity);

        assertThat(second).isEqualTo(first);
    }

    @Test
    void operationStatus_whenAssignmentDone_thenOkAssignedWithHubDeviceIdEtagAndTimes() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");
        String operationId = register(service, identity);

        DeviceResponse response = finished(service, identity, operationId);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.retryAfterSeconds()).isNull();
        RegistrationOperationStatus body = status(response);
        assertThat(body.operationId()).isEqualTo(operationId);
        assertThat(body.status()).isEqualTo(RegistrationStatus.ASSIGNED);
        DeviceRegistrationResult state = body.registrationState();
        assertThat(state.registrationId()).isEqualTo("device-1");
        assertThat(state.status()).isEqualTo(RegistrationStatus.ASSIGNED);
        assertThat(state.substatus()).isEqualTo(RegistrationSubstatus.INITIAL_ASSIGNMENT);
        assertThat(state.assignedHub()).isEqualTo(HUB);
        assertThat(state.deviceId()).isEqualTo("device-1");
        assertThat(state.etag()).isNotBlank();
        assertThat(state.createdDateTimeUtc()).isNotNull();
        assertThat(state.lastUpdatedDateTimeUtc()).isNotNull().isAfterOrEqualTo(state.createdDateTimeUtc());
        assertThat(state.errorCode()).isNull();
        assertThat(state.symmetricKey()).isNull();

        RegistrationRecord record = store.findRegistration("device-1").orElseThrow();
        assertThat(record.assignedHub()).isEqualTo(HUB);
        assertThat(record.deviceId()).isEqualTo("device-1");
        assertThat(record.status()).isEqualTo(RegistrationStatus.ASSIGNED);
        assertThat(record.enrollmentGroupId()).isNull();
        assertThat(record.etag()).isEqualTo(state.etag());
        assertThat(registrations("assigned")).isEqualTo(1);
    }

    @Test
    void operationStatus_whenIndividualEnrollmentNamesDeviceId_thenThatDeviceIdAssigned() {
        RegistrationService service = service();
        String key = newKey();
        store.putEnrollment(new IndividualEnrollment("device-1", "hub-device-42", null,
                AttestationMechanism.symmetricKey(key, null), null, null, null, null, ProvisioningStatus.ENABLED,
                null, null, null, null, null, null, null), null);
        DeviceIdentity identity = device("device-1", key);

        DeviceResponse response = finished(service, identity, register(service, identity));

        assertThat(status(response).registrationState().deviceId()).isEqualTo("hub-device-42");
        assertThat(store.findRegistration("device-1").orElseThrow().deviceId()).isEqualTo("hub-device-42");
    }

    @Test
    void operationStatus_whenGroupDeviceAssigned_thenResultAndRecordNameTheGroup() {
        RegistrationService service = service();
        String groupKey = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", groupKey, null), null);
        DeviceIdentity identity = device("sensor-9", DerivedKeys.deviceKey(groupKey, "sensor-9"));

        DeviceResponse response = finished(service, identity, register(service, identity));

        DeviceRegistrationResult state = status(response).registrationState();
        assertThat(state.status()).isEqualTo(RegistrationStatus.ASSIGNED);
        assertThat(state.deviceId()).isEqualTo("sensor-9");
        assertThat(state.symmetricKey().enrollmentGroupId()).isEqualTo("group-1");
        assertThat(store.findRegistration("sensor-9").orElseThrow().enrollmentGroupId()).isEqualTo("group-1");
    }

    @Test
    void operationStatus_whenRecordNotYetWritten_thenAcceptedWithMinimalAssigningState() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");
        CountDownLatch gate = store.holdRegistrationWrites();
        gates.add(gate);
        String operationId = register(service, identity);
        await().atMost(WAIT).until(store::registrationWriteReached);

        DeviceResponse response = answer(service.operationStatus(identity, MQTT, operationId, true));

        assertThat(response.status()).isEqualTo(202);
        assertThat(response.retryAfterSeconds()).isEqualTo(RETRY_AFTER);
        RegistrationOperationStatus body = status(response);
        assertThat(body.status()).isEqualTo(RegistrationStatus.ASSIGNING);
        assertThat(body.registrationState()).isEqualTo(DeviceRegistrationResult.assigning("device-1"));
        assertThat(store.findRegistration("device-1")).isEmpty();

        gate.countDown();

        assertThat(status(finished(service, identity, operationId)).status()).isEqualTo(RegistrationStatus.ASSIGNED);
    }

    @Test
    void operationStatus_whenOperationUnknown_thenNotFoundWithErrorBody() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");

        DeviceResponse response = answer(service.operationStatus(identity, MQTT, "4.0000000000000000.nope", true));

        assertThat(response.status()).isEqualTo(404);
        DpsError error = error(response);
        assertThat(error.errorCode()).isEqualTo(ErrorCodes.OPERATION_NOT_FOUND);
        assertThat(error.message()).contains("4.0000000000000000.nope").contains("device-1");
    }

    @Test
    void operationStatus_whenOperationBelongsToAnotherRegistration_thenNotFound() {
        RegistrationService service = service();
        DeviceIdentity owner = enrolled("device-1");
        DeviceIdentity other = enrolled("device-2");
        String operationId = register(service, owner);
        finished(service, owner, operationId);

        DeviceResponse response = answer(service.operationStatus(other, MQTT, operationId, true));

        assertThat(response.status()).isEqualTo(404);
        assertThat(error(response).errorCode()).isEqualTo(ErrorCodes.OPERATION_NOT_FOUND);
    }

    @Test
    void operationStatus_whenRegistrationIdDiffersOnlyInCase_thenSameOperation() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");
        String operationId = register(service, identity);
        finished(service, identity, operationId);

        DeviceResponse response = answer(service.operationStatus(new DeviceIdentity(SCOPE, "DEVICE-1", null),
                MQTT, operationId, true));

        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void operationStatus_whenConnectionNotAuthenticated_thenCredentialsCheckedFirst() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");
        String operationId = register(service, identity);
        finished(service, identity, operationId);

        DeviceResponse stranger =
                answer(service.operationStatus(device("device-1", newKey()), MQTT, operationId, false));
        DeviceResponse owner = answer(service.operationStatus(identity, MQTT, operationId, false));

        assertThat(stranger.status()).isEqualTo(401);
        assertThat(stranger.authFailure()).isTrue();
        assertThat(error(stranger).message()).doesNotContain(HUB);
        assertThat(owner.status()).isEqualTo(200);
        assertThat(status(owner).registrationState().assignedHub()).isEqualTo(HUB);
    }

    @Test
    void register_whenBodyRegistrationIdDiffersFromIdentity_thenBadRequest() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");

        DeviceResponse response =
                answer(service.register(identity, MQTT, new DeviceRegistration("device-2", null, null, null)));

        assertThat(response.status()).isEqualTo(400);
        DpsError error = error(response);
        assertThat(error.errorCode()).isEqualTo(ErrorCodes.BAD_REQUEST);
        assertThat(error.message()).contains("device-2").contains("device-1");
        assertThat(store.findRegistration("device-1")).isEmpty();
    }

    @Test
    void register_whenBodyRegistrationIdDiffersOnlyInCase_thenAccepted() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");

        DeviceResponse response =
                answer(service.register(identity, MQTT, new DeviceRegistration("DEVICE-1", null, null, null)));

        assertThat(response.status()).isEqualTo(202);
    }

    @Test
    void register_whenCredentialsRefused_thenUnauthorizedWithReason() {
        RegistrationService service = service();
        enrolled("device-1");

        DeviceResponse response =
                answer(service.register(device("device-1", newKey()), MQTT, DeviceRegistration.EMPTY));

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.authFailure()).isTrue();
        assertThat(response.retryAfterSeconds()).isNull();
        DpsError error = error(response);
        assertThat(error.errorCode()).isEqualTo(ErrorCodes.UNAUTHORIZED);
        assertThat(error.message()).contains("signature");
        assertThat(registrations("unauthorized")).isEqualTo(1);
    }

    @Test
    void register_whenRegistrationUnknown_thenUnauthorizedInvalidCredentials() {
        RegistrationService service = service();

        DeviceResponse response =
                answer(service.register(device("stranger", newKey()), MQTT, DeviceRegistration.EMPTY));

        assertThat(response.status()).isEqualTo(401);
        assertThat(error(response).errorCode()).isEqualTo(ErrorCodes.INVALID_CREDENTIALS);
        assertThat(error(response).message()).contains("stranger");
    }

    @Test
    void register_whenDetailedErrorsOff_thenReasonHidden() {
        RegistrationService service = service(threads(2, 100), 1000, false);
        String key = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", key, null), null);
        DeviceIdentity expired = new DeviceIdentity(SCOPE, "device-1", SasTokens.create(
                SCOPE + "/registrations/device-1", key, Instant.now().minus(Duration.ofDays(1)), "registration"));

        DeviceResponse response = answer(service.register(expired, MQTT, DeviceRegistration.EMPTY));

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.authFailure()).isTrue();
        DpsError error = error(response);
        assertThat(error.message()).isEqualTo("Unauthorized").doesNotContain("expired");
    }

    @Test
    void register_whenDetailedErrorsOn_thenExpiryReasonShown() {
        RegistrationService service = service();
        String key = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", key, null), null);
        DeviceIdentity expired = new DeviceIdentity(SCOPE, "device-1", SasTokens.create(
                SCOPE + "/registrations/device-1", key, Instant.now().minus(Duration.ofDays(1)), "registration"));

        DeviceResponse response = answer(service.register(expired, MQTT, DeviceRegistration.EMPTY));

        assertThat(error(response).message()).contains("expired");
    }

    @Test
    void register_whenIndividualEnrollmentDisabled_thenOperationEndsDisabledAndNoRecordWritten() {
        RegistrationService service = service();
        String key = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", key, null)
                .withProvisioningStatus(ProvisioningStatus.DISABLED), null);
        DeviceIdentity identity = device("device-1", key);

        String operationId = register(service, identity);
        DeviceResponse response = finished(service, identity, operationId);

        assertThat(response.status()).isEqualTo(200);
        RegistrationOperationStatus body = status(response);
        assertThat(body.status()).isEqualTo(RegistrationStatus.DISABLED);
        DeviceRegistrationResult state = body.registrationState();
        assertThat(state.status()).isEqualTo(RegistrationStatus.DISABLED);
        assertThat(state.errorCode()).isEqualTo(ErrorCodes.ENROLLMENT_DISABLED);
        assertThat(state.errorMessage()).contains("disabled").contains("device-1");
        assertThat(state.assignedHub()).isNull();
        assertThat(state.deviceId()).isNull();
        assertThat(store.findRegistration("device-1")).isEmpty();
        assertThat(registrations("disabled")).isEqualTo(1);
    }

    @Test
    void register_whenGroupDisabled_thenOperationEndsDisabledNamingTheGroup() {
        RegistrationService service = service();
        String groupKey = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", groupKey, null)
                .withProvisioningStatus(ProvisioningStatus.DISABLED), null);
        DeviceIdentity identity = device("sensor-1", DerivedKeys.deviceKey(groupKey, "sensor-1"));

        DeviceResponse response = finished(service, identity, register(service, identity));

        DeviceRegistrationResult state = status(response).registrationState();
        assertThat(state.status()).isEqualTo(RegistrationStatus.DISABLED);
        assertThat(state.errorCode()).isEqualTo(ErrorCodes.ENROLLMENT_DISABLED);
        assertThat(state.errorMessage()).contains("group-1");
        assertThat(store.findRegistration("sensor-1")).isEmpty();
    }

    @Test
    void register_whenEnrollmentNamesNoLinkedHub_thenOperationFailsAndNoRecordWritten() {
        RegistrationService service = service();
        String key = newKey();
        store.putEnrollment(new IndividualEnrollment("device-1", null, null,
                AttestationMechanism.symmetricKey(key, null), null, null, null, null, ProvisioningStatus.ENABLED, null,
                null, null, AllocationPolicy.STATIC, List.of("unlinked.azure-devices.net"), null, null), null);
        DeviceIdentity identity = device("device-1", key);

        DeviceResponse response = finished(service, identity, register(service, identity));

        assertThat(response.status()).isEqualTo(200);
        DeviceRegistrationResult state = status(response).registrationState();
        assertThat(state.status()).isEqualTo(RegistrationStatus.FAILED);
        assertThat(state.errorCode()).isEqualTo(ErrorCodes.NO_HUB_ASSIGNABLE);
        assertThat(state.assignedHub()).isNull();
        assertThat(store.findRegistration("device-1")).isEmpty();
    }

    @Test
    void register_whenStoreQueueFull_thenTooManyRequestsWithRetryAfter() {
        TestStoreThreads threads = threads(1, 1);
        StoreExecutor executor = threads.executor();
        RegistrationService service = service(threads, 1000, true);
        DeviceIdentity identity = enrolled("device-1");
        CountDownLatch blocker = new CountDownLatch(1);
        gates.add(blocker);
        executor.execute(() -> {
            try {
                blocker.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(WAIT).until(() -> executor.queued() == 0);
        executor.execute(() -> { });

        DeviceResponse response = answer(service.register(identity, MQTT, DeviceRegistration.EMPTY));

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.retryAfterSeconds()).isEqualTo(RETRY_AFTER);
        assertThat(response.authFailure()).isFalse();
        assertThat(error(response).errorCode()).isEqualTo(ErrorCodes.SERVER_BUSY);
        assertThat(registrations("throttled")).isEqualTo(1);

        blocker.countDown();
        await().atMost(WAIT).until(() -> executor.queued() == 0);
        assertThat(answer(service.register(identity, MQTT, DeviceRegistration.EMPTY)).status()).isEqualTo(202);
    }

    @Test
    void operationStatus_whenUnauthenticatedAndStoreQueueFull_thenTooManyRequests() {
        TestStoreThreads threads = threads(1, 1);
        StoreExecutor executor = threads.executor();
        RegistrationService service = service(threads, 1000, true);
        DeviceIdentity identity = enrolled("device-1");
        CountDownLatch blocker = new CountDownLatch(1);
        gates.add(blocker);
        executor.execute(() -> {
            try {
                blocker.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(WAIT).until(() -> executor.queued() == 0);
        executor.execute(() -> { });

        DeviceResponse response = answer(service.operationStatus(identity, MQTT, "4.0000000000000000.x", false));

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.retryAfterSeconds()).isEqualTo(RETRY_AFTER);
    }

    @Test
    void register_whenEveryOperationIsStillAssigning_thenTooManyRequestsWithRetryAfter() {
        RegistrationService service = service(threads(2, 100), 1, true);
        DeviceIdentity first = enrolled("device-1");
        DeviceIdentity second = enrolled("device-2");
        gates.add(store.holdRegistrationWrites());
        register(service, first);

        DeviceResponse response = answer(service.register(second, MQTT, DeviceRegistration.EMPTY));

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.retryAfterSeconds()).isEqualTo(RETRY_AFTER);
        DpsError error = error(response);
        assertThat(error.errorCode()).isEqualTo(ErrorCodes.SERVER_BUSY);
        assertThat(error.message()).contains("limits.maxOperations").contains("retry after " + RETRY_AFTER);
        assertThat(store.findRegistration("device-2")).isEmpty();
    }

    @Test
    void register_whenTableIsFullOfFinishedOperations_thenTheOldestMakeRoom() {
        RegistrationService service = service(threads(2, 100), 3, true);
        List<DeviceIdentity> devices = new ArrayList<>();
        List<String> operations = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            DeviceIdentity device = enrolled("device-" + i);
            String operationId = register(service, device);
            finished(service, device, operationId);
            devices.add(device);
            operations.add(operationId);
        }

        assertThat(answer(service.operationStatus(devices.get(9), MQTT, operations.get(9), true)).status())
                .isEqualTo(200);
        assertThat(answer(service.operationStatus(devices.get(0), MQTT, operations.get(0), true)).status())
                .as("the oldest finished operation gave way").isEqualTo(404);
        assertThat(registrations("throttled")).isZero();
    }

    @Test
    void register_whenOneEnrollmentHasTooManyAssigning_thenItsDevicesAreRefusedAndOthersServed() {
        RegistrationService service = service(threads(2, 100), limits -> limits.maxInflightPerCredential(2), true);
        String groupKey = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("flood", groupKey, null), null);
        gates.add(store.holdRegistrationWrites());
        register(service, device("flood-1", DerivedKeys.deviceKey(groupKey, "flood-1")));
        register(service, device("flood-2", DerivedKeys.deviceKey(groupKey, "flood-2")));

        DeviceResponse refused = answer(service.register(device("flood-3", DerivedKeys.deviceKey(groupKey, "flood-3")),
                MQTT, DeviceRegistration.EMPTY));
        DeviceResponse other = answer(service.register(enrolled("other-1"), MQTT, DeviceRegistration.EMPTY));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(error(refused).message()).contains("limits.maxInflightPerCredential");
        assertThat(other.status()).isEqualTo(202);
    }

    /** One webhook call at a time; the webhook answers {@code hub} after {@code delayMillis}. */
    private static WebhookClient oneCallAtATime() {
        return new WebhookClient(new AllocationConfig(AllocationPolicy.HASHED, 10_000, 1, 65_536));
    }

    private DeviceIdentity enrolledCustom(String registrationId, WebhookServer webhook) {
        String key = newKey();
        store.putEnrollment(new IndividualEnrollment(registrationId, null, null,
                AttestationMechanism.symmetricKey(key, null), null, null, null, null, ProvisioningStatus.ENABLED, null,
                null, null, AllocationPolicy.CUSTOM, null, new CustomAllocationDefinition(webhook.url(), "2021-10-01"),
                null),
                null);
        return device(registrationId, key);
    }

    @Test
    void register_whenWebhookCallsAtTheirLimit_thenTooManyRequestsUntilTheCallEnds() throws Exception {
        try (WebhookServer webhook = new WebhookServer(request -> new WebhookServer.Reply(200,
                "{\"iotHubHostName\":\"" + HUB + "\"}", 1000))) {
            RegistrationService service = service(threads(2, 100), 1000, true, oneCallAtATime());
            DeviceIdentity first = enrolledCustom("custom-1", webhook);
            DeviceIdentity second = enrolledCustom("custom-2", webhook);
            String operationId = register(service, first);

            DeviceResponse refused = answer(service.register(second, MQTT, DeviceRegistration.EMPTY));

            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.retryAfterSeconds()).isEqualTo(RETRY_AFTER);
            assertThat(error(refused).message()).contains("webhook calls");
            assertThat(status(finished(service, first, operationId)).status()).isEqualTo(RegistrationStatus.ASSIGNED);
            assertThat(answer(service.register(second, MQTT, DeviceRegistration.EMPTY)).status()).isEqualTo(202);
        }
    }

    @Test
    void register_whenOperationTableFullForCustomEnrollment_thenNoWebhookSlotIsHeld() throws Exception {
        try (WebhookServer webhook = new WebhookServer(request -> WebhookServer.Reply.ok(
                "{\"iotHubHostName\":\"" + HUB + "\"}"))) {
            WebhookClient webhooks = oneCallAtATime();
            RegistrationService service = service(threads(2, 100), 1, true, webhooks);
            DeviceIdentity plain = enrolled("plain-1");
            gates.add(store.holdRegistrationWrites());
            register(service, plain);

            DeviceResponse refused = answer(service.register(enrolledCustom("custom-3", webhook), MQTT,
                    DeviceRegistration.EMPTY));

            assertThat(error(refused).message()).contains("limits.maxOperations");
            assertThat(webhooks.reserve()).as("no slot is held for the refused registration").isPresent();
            assertThat(webhook.requests()).isEmpty();
        }
    }

    @Test
    void register_whenStoreUnavailable_thenServiceUnavailableWithRetryAfter() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");
        store.failAll(true);

        DeviceResponse response = answer(service.register(identity, MQTT, DeviceRegistration.EMPTY));

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.retryAfterSeconds()).isEqualTo(RETRY_AFTER);
        assertThat(response.authFailure()).isFalse();
        assertThat(error(response).errorCode()).isEqualTo(ErrorCodes.STORE_UNAVAILABLE);
        assertThat(registrations("error")).isEqualTo(1);

        store.failAll(false);
        String operationId = register(service, identity);
        assertThat(status(finished(service, identity, operationId)).status()).isEqualTo(RegistrationStatus.ASSIGNED);
    }

    @Test
    void register_whenStoreStalls_thenServiceUnavailableAtTheDeadlineAndServedAgainWhenItReturns() {
        TestStoreThreads threads = new TestStoreThreads(metrics, 2, 100, Duration.ofMillis(300));
        closeables.add(threads);
        RegistrationService service = service(threads, 1000, true);
        DeviceIdentity identity = enrolled("device-1");
        CountDownLatch frozen = store.stallAll();
        gates.add(frozen);

        DeviceResponse timedOut = answer(service.register(identity, MQTT, DeviceRegistration.EMPTY));

        assertThat(timedOut.status()).isEqualTo(503);
        assertThat(timedOut.retryAfterSeconds()).isEqualTo(RETRY_AFTER);
        assertThat(error(timedOut).message()).contains("300 ms");
        await().atMost(WAIT).until(() -> !health.isUp());
        DeviceResponse refusedAtOnce = answer(service.register(identity, MQTT, DeviceRegistration.EMPTY));
        assertThat(refusedAtOnce.status()).as("no new work queues behind the hung call").isEqualTo(503);

        frozen.countDown();

        await().atMost(WAIT).until(health::isUp);
        String operationId = register(service, identity);
        assertThat(status(finished(service, identity, operationId)).status()).isEqualTo(RegistrationStatus.ASSIGNED);
    }

    @Test
    void operationStatus_whenRecordIsBeingCommitted_thenThePollWaitsForTheResult() {
        pollWaitMillis = 60_000;
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");
        CountDownLatch gate = store.holdRegistrationWrites();
        gates.add(gate);
        String operationId = register(service, identity);
        await().atMost(WAIT).until(store::registrationWriteReached);

        CompletableFuture<DeviceResponse> poll = service.operationStatus(identity, MQTT, operationId, true);
        gate.countDown();

        DeviceResponse response = answer(poll);
        assertThat(response.status()).as("answered with the result, not 202 assigning").isEqualTo(200);
        assertThat(status(response).status()).isEqualTo(RegistrationStatus.ASSIGNED);
    }

    @Test
    void register_whenRegistrationIdBreaksTheRules_thenBadRequestWhateverTheTransport() {
        RegistrationService service = service();
        DeviceIdentity identity = new DeviceIdentity(SCOPE, "bad id \u00e9", "SharedAccessSignature sr=x&sig=y&se=1");

        DeviceResponse response = answer(service.register(identity, new DeviceClient(Transport.HTTPS, "2021-06-01"),
                DeviceRegistration.EMPTY));

        assertThat(response.status()).isEqualTo(400);
        assertThat(error(response).errorCode()).isEqualTo(ErrorCodes.BAD_REQUEST);
        assertThat(error(response).message()).contains("not allowed");
        assertThat(store.findRegistration("bad id \u00e9")).isEmpty();
    }

    @Test
    void operationStatus_whenUnauthenticatedAndStoreUnavailable_thenServiceUnavailable() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");
        String operationId = register(service, identity);
        finished(service, identity, operationId);
        store.failAll(true);

        DeviceResponse response = answer(service.operationStatus(identity, MQTT, operationId, false));

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.retryAfterSeconds()).isEqualTo(RETRY_AFTER);
        assertThat(response.authFailure()).isFalse();
    }

    @Test
    void register_whenRecordWriteFailsTransiently_thenPollsAreToldToRetryUntilTheRecordIsWritten() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");
        store.failRegistrationWrites(true);
        String operationId = register(service, identity);

        DeviceResponse retry = await().atMost(WAIT).until(
                () -> answer(service.operationStatus(identity, MQTT, operationId, true)), r -> r.status() == 503);

        assertThat(retry.retryAfterSeconds()).isEqualTo(RETRY_AFTER);
        assertThat(error(retry).errorCode()).isEqualTo(ErrorCodes.STORE_UNAVAILABLE);
        assertThat(health.isUp()).isFalse();
        assertThat(store.findRegistration("device-1")).isEmpty();

        store.failRegistrationWrites(false);

        DeviceResponse assigned = finished(service, identity, operationId);
        assertThat(status(assigned).status()).isEqualTo(RegistrationStatus.ASSIGNED);
        assertThat(store.findRegistration("device-1")).isPresent();
        assertThat(health.isUp()).isTrue();
    }

    @Test
    void register_whenEarlierRecordsCannotBeWritten_thenALaterDeviceIsToldToRetryToo() {
        RegistrationService service = service();
        DeviceIdentity first = enrolled("device-1");
        DeviceIdentity later = enrolled("device-2");
        store.failRegistrationWrites(true);
        String firstOperation = register(service, first);
        await().atMost(WAIT).until(() -> answer(service.operationStatus(first, MQTT, firstOperation, true)),
                r -> r.status() == 503);

        // its record waits behind the one the committer keeps retrying, so it has met no failure itself
        String laterOperation = register(service, later);
        DeviceResponse retry = answer(service.operationStatus(later, MQTT, laterOperation, true));

        assertThat(retry.status()).isEqualTo(503);
        assertThat(retry.retryAfterSeconds()).isEqualTo(RETRY_AFTER);
        assertThat(error(retry).errorCode()).isEqualTo(ErrorCodes.STORE_UNAVAILABLE);

        store.failRegistrationWrites(false);

        assertThat(status(finished(service, later, laterOperation)).status()).isEqualTo(RegistrationStatus.ASSIGNED);
        assertThat(status(finished(service, first, firstOperation)).status()).isEqualTo(RegistrationStatus.ASSIGNED);
    }

    @Test
    void register_whenDeviceRegistersAgain_thenRecordReplacedKeepingCreationTime() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");
        DeviceRegistrationResult first = status(finished(service, identity, register(service, identity)))
                .registrationState();

        DeviceRegistrationResult second = status(finished(service, identity, register(service, identity)))
                .registrationState();

        assertThat(second.status()).isEqualTo(RegistrationStatus.ASSIGNED);
        assertThat(second.etag()).isNotEqualTo(first.etag());
        assertThat(second.createdDateTimeUtc()).isEqualTo(first.createdDateTimeUtc());
        assertThat(store.findRegistration("device-1").orElseThrow().etag()).isEqualTo(second.etag());
    }

    @Test
    void sweep_whenOperationsAreRecent_thenTheyCanStillBePolled() {
        RegistrationService service = service();
        DeviceIdentity identity = enrolled("device-1");
        String operationId = register(service, identity);
        finished(service, identity, operationId);

        service.sweep();

        assertThat(answer(service.operationStatus(identity, MQTT, operationId, true)).status()).isEqualTo(200);
    }
}
