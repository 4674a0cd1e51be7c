package io.dpsemu.server.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsemu.protocol.Transport;
import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.model.DeviceRegistration;
import io.dpsemu.protocol.model.DeviceRegistrationResult;
import io.dpsemu.protocol.model.DpsError;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.protocol.model.RegistrationOperationStatus;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.server.allocation.WebhookClient;
import io.dpsemu.server.config.IssuanceConfig;
import io.dpsemu.server.config.LimitsConfig;
import io.dpsemu.server.config.LinkedHub;
import io.dpsemu.server.config.ProvisioningConfig;
import io.dpsemu.server.config.ServerConfig;
import io.dpsemu.server.device.DeviceClient;
import io.dpsemu.server.device.DeviceIdentity;
import io.dpsemu.server.device.DeviceResponse;
import io.dpsemu.server.issuance.CredentialPolicies;
import io.dpsemu.server.issuance.TestCsrs;
import io.dpsemu.server.issuance.TestIssuers;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.x509.CertificateFacts;
import io.dpsemu.store.IssuedCertificateRecord;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.memory.InMemoryStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's part of certificate issuance: when a register's {@code csr} is signed, what the device and
 * the record get, and a device coming back with the certificate. The CSR and signing rules themselves are
 * pinned by the issuance package's tests; the transports by {@code CertificateIssuanceIT}.
 */
class RegistrationCertificateTest {

    private static final String SCOPE = "0ne00C0FFEE";
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final DeviceClient ISSUANCE = new DeviceClient(Transport.MQTT, "2025-07-01-preview");
    private static final DeviceClient BEFORE_ISSUANCE = new DeviceClient(Transport.MQTT, "2019-03-31");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SwitchableStore store = new SwitchableStore(new InMemoryStore());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DpsMetrics metrics = new DpsMetrics(registry);
    private final TestStoreThreads threads = new TestStoreThreads(metrics, 2, 100);
    private RegistrationService service;

    private final List<CountDownLatch> gates = new ArrayList<>();

    @AfterEach
    void tearDown() {
        gates.forEach(CountDownLatch::countDown);
        if (service != null) {
            service.close();
        }
        threads.close();
        store.close();
    }

    private RegistrationService service(CredentialPolicies policies) {
        return service(policies, Clock.systemUTC());
    }

    /** @param authenticatorClock the time at which presented certificates are judged (SAS tokens: the real time) */
    private RegistrationService service(CredentialPolicies policies, Clock authenticatorClock) {
        service = threads.engine()
                .store(store)
                .authenticator(new DeviceAuthenticator(store, new SasVerifier(Duration.ofSeconds(300),
                        Clock.systemUTC()), SCOPE, authenticatorClock))
                .allocator(new HubAllocator(List.of(LinkedHub.of("hub-a.example")), AllocationPolicy.HASHED))
                .webhooks(new WebhookClient(ServerConfig.defaults().allocation()))
                .gate(RegistrationServiceTest.openGate(metrics))
                .credentialPolicies(policies)
                .provisioning(ProvisioningConfig.builder().minResponseDelayMillis(0).build())
                .limits(LimitsConfig.defaults())
                .metrics(metrics)
                .build();
        return service;
    }

    private RegistrationService service() {
        return service(TestIssuers.localOnly());
    }

    private DeviceIdentity enrolled(String registrationId) {
        store.putEnrollment(IndividualEnrollment.symmetricKey(registrationId, KEY, null), null);
        return sas(registrationId);
    }

    private static DeviceIdentity sas(String registrationId) {
        return new DeviceIdentity(SCOPE, registrationId, SasTokens.create(SCOPE + "/registrations/" + registrationId,
                KEY, Instant.now().plusSeconds(3600), "registration"));
    }

    private static String csr(String commonName) {
        return TestCsrs.csr("CN=" + commonName, TestCsrs.ec("secp256r1")).base64();
    }

    private DeviceResponse register(DeviceIdentity identity, DeviceClient client, String csr) {
        return answer(service.register(identity, client,
                new DeviceRegistration(identity.registrationId(), null, null, csr)));
    }

    /** Registers and polls until the operation has ended; the register must be accepted. */
    private DeviceRegistrationResult registered(DeviceIdentity identity, DeviceClient client, String csr) {
        DeviceResponse accepted = register(identity, client, csr);
        assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
        String operationId = ((RegistrationOperationStatus) accepted.body()).operationId();
        DeviceResponse finished = await().atMost(WAIT).until(
                () -> answer(service.operationStatus(identity, client, operationId, true)),
                response -> response.status() != 202);
        return ((RegistrationOperationStatus) finished.body()).registrationState();
    }

    private static DeviceResponse answer(CompletableFuture<DeviceResponse> future) {
        try {
            return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer", e);
        }
    }

    private static X509Certificate decode(String base64) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
        } catch (CertificateException e) {
            throw new AssertionError(e);
        }
    }

    private double issued() {
        return registry.find("dps.certificates.issued").tag("policy", "local").counter().count();
    }

    private double refused(String reason) {
        return registry.find("dps.certificate.requests.refused").tag("reason", reason).counter().count();
    }

    @Test
    void register_whenCsrWithIssuanceApiVersion_thenAssignedResultCarriesTheChainAndTheRecordTheCertificate() {
        DeviceIdentity device = enrolled("device-1");
        service();

        DeviceRegistrationResult result = registered(device, ISSUANCE, csr("device-1"));

        assertThat(result.status()).isEqualTo(RegistrationStatus.ASSIGNED);
        List<String> chain = result.issuedCertificateChain();
        assertThat(chain).hasSize(2);
        X509Certificate leaf = decode(chain.get(0));
        X509Certificate root = decode(chain.get(1));
        assertThat(CertificateFacts.commonName(leaf)).isEqualTo("device-1");
        assertThat(CertificateFacts.isSignedBy(leaf, root)).isTrue();
        IssuedCertificateRecord kept = store.findRegistration("device-1").orElseThrow().issuedCertificate();
        assertThat(kept.credentialPolicyName()).isEqualTo("local");
        assertThat(kept.sha256Thumbprint()).isEqualTo(CertificateFacts.sha256(leaf));
        assertThat(kept.certificate()).isEqualTo(chain.get(0));
        assertThat(issued()).isEqualTo(1);
    }

    @Test
    void registrationStatus_whenTheCertificateWasIssued_thenTheLookupCarriesNoChain() {
        DeviceIdentity device = enrolled("device-1");
        service();
        registered(device, ISSUANCE, csr("device-1"));

        DeviceResponse lookup = answer(service.registrationStatus(device, ISSUANCE));

        assertThat(lookup.status()).isEqualTo(200);
        assertThat(((DeviceRegistrationResult) lookup.body()).issuedCertificateChain()).isNull();
    }

    @Test
    void register_whenCsrWithAnApiVersionBeforeIssuance_thenIgnoredAsDpsIgnoresUnknownFields() {
        DeviceIdentity device = enrolled("device-1");
        service();

        DeviceRegistrationResult result = registered(device, BEFORE_ISSUANCE, csr("device-1"));

        assertThat(result.status()).isEqualTo(RegistrationStatus.ASSIGNED);
        assertThat(result.issuedCertificateChain()).isNull();
        assertThat(store.findRegistration("device-1").orElseThrow().issuedCertificate()).isNull();
        assertThat(issued()).isZero();
    }

    @Test
    void register_whenCsrRefused_thenBadRequestWithTheReasonAndTheNextRegisterStartsAFreshOperation() {
        DeviceIdentity device = enrolled("device-1");
        service();

        DeviceResponse refusedResponse = register(device, ISSUANCE, csr("someone-else"));
        DeviceRegistrationResult next = registered(device, ISSUANCE, csr("device-1"));

        assertThat(refusedResponse.status()).isEqualTo(400);
        DpsError error = (DpsError) refusedResponse.body();
        assertThat(error.errorCode()).isEqualTo(ErrorCodes.BAD_REQUEST);
        assertThat(error.message()).startsWith("certificate signing request refused: ").contains("someone-else");
        assertThat(refused("subject")).isEqualTo(1);
        assertThat(next.issuedCertificateChain()).hasSize(2);
    }

    @Test
    void register_whenNeitherEnrollmentNorServerNamesAPolicy_thenRefusedSayingSo() {
        DeviceIdentity device = enrolled("device-1");
        IssuanceConfig defaults = IssuanceConfig.defaults();
        service(TestIssuers.onTestCa(new IssuanceConfig("", defaults.maxChainLength(), defaults.supersededKept(),
                defaults.maxCsrBytes(), List.of())));

        DeviceResponse response = register(device, ISSUANCE, csr("device-1"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(((DpsError) response.body()).message()).contains("names no credentialPolicyName")
                .contains("issuance.defaultPolicy is empty");
        assertThat(refused("no_policy")).isEqualTo(1);
    }

    @Test
    void register_whenTheEnrollmentNamesAPolicyThisServerLacks_thenRefusedNamingIt() {
        // written straight to the store: the service API refuses a policy the server lacks, but the
        // configuration can lose one after enrollments were written
        store.putEnrollment(new IndividualEnrollment("device-1", null, null,
                AttestationMechanism.symmetricKey(KEY, null), null, null, null, null, ProvisioningStatus.ENABLED, null,
                null, null, null, null, null, "gone"), null);
        service();

        DeviceResponse response = register(sas("device-1"), ISSUANCE, csr("device-1"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(((DpsError) response.body()).message()).contains("credential policy 'gone' is not configured");
        assertThat(refused("unknown_policy")).isEqualTo(1);
    }

    @Test
    void register_whenTheEnrollmentIsDisabled_thenNothingIsSigned() {
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", KEY, null)
                .withProvisioningStatus(ProvisioningStatus.DISABLED), null);
        service();

        DeviceRegistrationResult result = registered(sas("device-1"), ISSUANCE, csr("device-1"));

        assertThat(result.status()).isEqualTo(RegistrationStatus.DISABLED);
        assertThat(result.issuedCertificateChain()).isNull();
        assertThat(issued()).isZero();
    }

    @Test
    void register_whenRenewedWithANewCsr_thenANewCertificateAndTheOldOneListedAsSuperseded() {
        DeviceIdentity device = enrolled("device-1");
        service();
        X509Certificate first = decode(registered(device, ISSUANCE, csr("device-1")).issuedCertificateChain().get(0));

        X509Certificate second = decode(registered(device, ISSUANCE, csr("device-1")).issuedCertificateChain().get(0));
        registered(device, BEFORE_ISSUANCE, null);

        RegistrationRecord record = store.findRegistration("device-1").orElseThrow();
        assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(record.issuedCertificate().sha256Thumbprint())
                .as("a register without a CSR keeps the current certificate")
                .isEqualTo(CertificateFacts.sha256(second));
        assertThat(record.supersededCertificates()).extracting(IssuedCertificateRecord::sha256Thumbprint)
                .containsExactly(CertificateFacts.sha256(first));
    }

    @Test
    void register_whenTheDevicePresentsItsIssuedCertificate_thenAttestedByTheEnrollmentThatRequestedIt() {
        DeviceIdentity device = enrolled("device-1");
        service();
        X509Certificate leaf = decode(registered(device, ISSUANCE, csr("device-1")).issuedCertificateChain().get(0));

        DeviceRegistrationResult result = registered(new DeviceIdentity(SCOPE, "device-1", null, List.of(leaf)),
                ISSUANCE, null);

        assertThat(result.status()).isEqualTo(RegistrationStatus.ASSIGNED);
        assertThat(result.x509().certificateInfo().sha256Thumbprint()).isEqualTo(CertificateFacts.sha256(leaf));
        assertThat(result.x509().enrollmentGroupId()).isNull();
    }

    @Test
    void register_whenTheDevicePresentsASupersededIssuedCertificate_thenRefusedSayingItWasSuperseded() {
        DeviceIdentity device = enrolled("device-1");
        service();
        X509Certificate old = decode(registered(device, ISSUANCE, csr("device-1")).issuedCertificateChain().get(0));
        registered(device, ISSUANCE, csr("device-1"));

        DeviceResponse response = register(new DeviceIdentity(SCOPE, "device-1", null, List.of(old)), ISSUANCE, null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(((DpsError) response.body()).message()).contains("was superseded at").contains("device-1");
    }

    @Test
    void register_whenItJoinsARunningOperation_thenNothingMoreIsSigned() {
        DeviceIdentity device = enrolled("device-1");
        service();
        gates.add(store.holdRegistrationWrites());
        DeviceResponse first = register(device, ISSUANCE, csr("device-1"));
        await().atMost(WAIT).until(store::registrationWriteReached);

        DeviceResponse joined = register(device, ISSUANCE, csr("device-1"));

        assertThat(((RegistrationOperationStatus) joined.body()).operationId())
                .isEqualTo(((RegistrationOperationStatus) first.body()).operationId());
        assertThat(issued()).isEqualTo(1);
    }

    @Test
    void register_whenTheRecordHoldingTheIssuedCertificateWasDeleted_thenTheCertificateNoLongerAttests() {
        DeviceIdentity device = enrolled("device-1");
        service();
        X509Certificate leaf = decode(registered(device, ISSUANCE, csr("device-1")).issuedCertificateChain().get(0));
        store.deleteRegistration("device-1", null);

        DeviceResponse response = register(new DeviceIdentity(SCOPE, "device-1", null, List.of(leaf)), ISSUANCE, null);

        assertThat(response.status()).isEqualTo(401);
    }

    @Test
    void register_whenTheIssuedCertificateHasExpired_thenRefusedSayingItExpired() {
        DeviceIdentity device = enrolled("device-1");
        // the policy signs for 30 days; certificates are judged 31 days on
        service(TestIssuers.localOnly(), Clock.offset(Clock.systemUTC(), Duration.ofDays(31)));
        X509Certificate leaf = decode(registered(device, ISSUANCE, csr("device-1")).issuedCertificateChain().get(0));

        DeviceResponse response = register(new DeviceIdentity(SCOPE, "device-1", null, List.of(leaf)), ISSUANCE, null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(((DpsError) response.body()).message()).contains("expired at");
    }
}
