package io.dpsemu.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.enrollment.X509Attestation;
import io.dpsemu.protocol.enrollment.X509CertificateWithInfo;
import io.dpsemu.protocol.enrollment.X509Certificates;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.x509.CertificateFacts;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Devices with certificates, through the official Azure IoT Java client and its X.509 provider:
 * individual enrollments, groups on a root and on an intermediate, on all three transports; and the
 * chains that must be refused.
 */
@Tag("sdk")
@Timeout(300)
class X509ProvisioningIT {

    private static final String HUB = "dpsemu-hub.local";
    /** Registrations in a row per transport, to show no race with the SDK. */
    private static final int RUNS = 3;

    @TempDir
    static Path dataDir;

    private static DpsServer server;
    private static X509Bundle root;
    private static X509Bundle intermediate;
    /** A device maker's CA that no group enrolls: its devices need individual enrollments. */
    private static X509Bundle maker;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServers.start(dataDir, "memory");
        root = ca("CN=dpsemu IT root").buildSelfSigned();
        intermediate = ca("CN=dpsemu IT intermediate").buildIssuedBy(root);
        maker = ca("CN=device maker CA").buildSelfSigned();
        server.store().putGroup(group("it-root-group", root), null);
        server.store().putGroup(group("it-intermediate-group", intermediate), null);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"MQTT", "MQTT_WS", "HTTPS"})
    void individualEnrollment_whenDevicePresentsTheEnrolledLeaf_thenAssigned(
            ProvisioningDeviceClientTransportProtocol transport) throws Exception {
        String id = "x509-individual-" + suffix(transport);
        X509Bundle leaf = device(id).buildIssuedBy(maker);
        server.store().putEnrollment(individual(id, leaf), null);

        ProvisioningDeviceClientRegistrationResult result = sdk(transport).registerX509(leaf.getCertificate(),
                leaf.getKeyPair().getPrivate(), List.of());

        assertAssigned(result, id);
        assertThat(server.store().findRegistration(id)).get()
                .satisfies(r -> assertThat(r.attestationType()).isEqualTo(AttestationType.X509))
                .satisfies(r -> assertThat(r.enrollmentGroupId()).isNull());
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"MQTT", "MQTT_WS", "HTTPS"})
    void groupOnIntermediate_whenDevicesSendLeafAndIntermediate_thenEachIsAssignedByTheIntermediateGroup(
            ProvisioningDeviceClientTransportProtocol transport) throws Exception {
        for (int run = 0; run < RUNS; run++) {
            String id = "x509-via-intermediate-" + suffix(transport) + "-" + run;
            X509Bundle leaf = device(id).buildIssuedBy(intermediate);

            ProvisioningDeviceClientRegistrationResult result = sdk(transport).registerX509(leaf.getCertificate(),
                    leaf.getKeyPair().getPrivate(), List.of(intermediate.getCertificate()));

            assertAssigned(result, id);
            assertThat(server.store().findRegistration(id)).get()
                    .satisfies(r -> assertThat(r.enrollmentGroupId()).isEqualTo("it-intermediate-group"));
        }
    }

    @Test
    void groupOnRoot_whenLeafIsSignedByTheRoot_thenAssignedByTheRootGroup() throws Exception {
        String id = "x509-via-root";
        X509Bundle leaf = device(id).buildIssuedBy(root);

        ProvisioningDeviceClientRegistrationResult result = sdk(ProvisioningDeviceClientTransportProtocol.MQTT)
                .registerX509(leaf.getCertificate(), leaf.getKeyPair().getPrivate(), List.of());

        assertAssigned(result, id);
        assertThat(server.store().findRegistration(id)).get()
                .satisfies(r -> assertThat(r.enrollmentGroupId()).isEqualTo("it-root-group"));
    }

    @Test
    void impostorCertificate_whenItCopiesAnEnrolledDevicesCn_thenRefused() throws Exception {
        String id = "x509-impersonated";
        server.store().putEnrollment(individual(id, device(id).buildIssuedBy(maker)), null);
        X509Bundle impostor = device(id).buildIssuedBy(ca("CN=impostor CA").buildSelfSigned());

        assertRefused(impostor, List.of(), "is not one of the certificates enrolled");
    }

    @Test
    void chainToAnUnenrolledCa_whenDeviceRegisters_thenRefused() throws Exception {
        X509Bundle otherRoot = ca("CN=someone else's root").buildSelfSigned();
        X509Bundle leaf = device("x509-foreign").buildIssuedBy(otherRoot);

        assertRefused(leaf, List.of(), "no X.509 enrollment group");
    }

    @Test
    void expiredLeaf_whenDeviceRegisters_thenRefusedSayingExpired() throws Exception {
        X509Bundle leaf = device("x509-expired").notBefore(Instant.now().minus(Duration.ofDays(30)))
                .notAfter(Instant.now().minus(Duration.ofDays(1))).buildIssuedBy(root);

        assertRefused(leaf, List.of(), "expired");
    }

    @Test
    void notYetValidLeaf_whenDeviceRegisters_thenRefusedSayingNotValidBefore() throws Exception {
        X509Bundle leaf = device("x509-too-early").notBefore(Instant.now().plus(Duration.ofDays(1)))
                .notAfter(Instant.now().plus(Duration.ofDays(30))).buildIssuedBy(root);

        assertRefused(leaf, List.of(), "is not valid before");
    }

    @Test
    void disabledGroup_whenItsDeviceRegisters_thenTheDeviceIsToldItIsDisabled() throws Exception {
        X509Bundle disabledRoot = ca("CN=disabled line root").buildSelfSigned();
        server.store().putGroup(group("it-disabled-group", disabledRoot)
                .withProvisioningStatus(ProvisioningStatus.DISABLED), null);
        X509Bundle leaf = device("x509-in-disabled-group").buildIssuedBy(disabledRoot);

        assertRefused(leaf, List.of(), "'it-disabled-group' is disabled");
    }

    @Test
    void disabledIndividualEntry_whenInsideAnEnabledGroup_thenOnlyThatDeviceEndsDisabled() throws Exception {
        String id = "x509-revoked";
        X509Bundle leaf = device(id).buildIssuedBy(root);
        server.store().putEnrollment(individual(id, leaf).withProvisioningStatus(ProvisioningStatus.DISABLED), null);

        assertThatThrownBy(() -> sdk(ProvisioningDeviceClientTransportProtocol.MQTT)
                .registerX509(leaf.getCertificate(), leaf.getKeyPair().getPrivate(), List.of()))
                .satisfies(e -> assertThat(SymmetricKeyProvisioningIT.fullMessage(e)).contains("is disabled"));
        X509Bundle sibling = device("x509-revoked-sibling").buildIssuedBy(root);
        assertAssigned(sdk(ProvisioningDeviceClientTransportProtocol.MQTT).registerX509(sibling.getCertificate(),
                sibling.getKeyPair().getPrivate(), List.of()), "x509-revoked-sibling");
    }

    private static void assertRefused(X509Bundle leaf, List<X509Certificate> intermediates, String reason) {
        String id = CertificateFacts.commonName(leaf.getCertificate());
        assertThatThrownBy(() -> sdk(ProvisioningDeviceClientTransportProtocol.MQTT)
                .registerX509(leaf.getCertificate(), leaf.getKeyPair().getPrivate(), intermediates))
                .satisfies(e -> assertThat(SymmetricKeyProvisioningIT.fullMessage(e)).contains(reason));
        assertThat(server.store().findRegistration(id)).isEmpty();
    }

    private static void assertAssigned(ProvisioningDeviceClientRegistrationResult result, String id) {
        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(result.getIothubUri()).isEqualTo(HUB);
        assertThat(result.getDeviceId()).isEqualTo(id);
    }

    private static AzureSdkDevice sdk(ProvisioningDeviceClientTransportProtocol transport) throws Exception {
        return new AzureSdkDevice(server.idScope(), server.caCertificate(), transport);
    }

    private static String suffix(ProvisioningDeviceClientTransportProtocol transport) {
        return transport.name().toLowerCase().replace('_', '-');
    }

    private static CertificateBuilder ca(String subject) {
        return new CertificateBuilder().subject(subject).ecp256().setIsCertificateAuthority(true)
                .setKeyUsage(true, CertificateBuilder.KeyUsage.keyCertSign, CertificateBuilder.KeyUsage.cRLSign)
                .notBefore(Instant.now().minus(Duration.ofHours(1))).notAfter(Instant.now().plus(Duration.ofDays(30)));
    }

    private static CertificateBuilder device(String registrationId) {
        return new CertificateBuilder().subject("CN=" + registrationId).ecp256()
                .setKeyUsage(true, CertificateBuilder.KeyUsage.digitalSignature).addExtendedKeyUsageClientAuth()
                .notBefore(Instant.now().minus(Duration.ofHours(1))).notAfter(Instant.now().plus(Duration.ofDays(30)));
    }

    private static IndividualEnrollment individual(String id, X509Bundle leaf) {
        return new IndividualEnrollment(id, null, null, x509(new X509Certificates(
                new X509CertificateWithInfo(leaf.getCertificatePEM(), null), null), null), null, null, null, null,
                ProvisioningStatus.ENABLED, null, null, null, null, null, null, null);
    }

    private static EnrollmentGroup group(String id, X509Bundle signer) {
        return new EnrollmentGroup(id, x509(null, new X509Certificates(
                new X509CertificateWithInfo(signer.getCertificatePEM(), null), null)), null, null, null, null,
                ProvisioningStatus.ENABLED, null, null, null, null, null, null, null);
    }

    private static AttestationMechanism x509(X509Certificates client, X509Certificates signing) {
        return new AttestationMechanism(AttestationType.X509, null, new X509Attestation(client, signing, null), null);
    }
}
