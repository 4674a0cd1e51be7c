package io.dpsemu.server.provisioning;

import static io.dpsemu.server.x509.TestCertificates.NOW;
import static io.dpsemu.server.x509.TestCertificates.build;
import static io.dpsemu.server.x509.TestCertificates.chain;
import static io.dpsemu.server.x509.TestCertificates.device;
import static io.dpsemu.server.x509.TestCertificates.intermediate;
import static io.dpsemu.server.x509.TestCertificates.leaf;
import static io.dpsemu.server.x509.TestCertificates.pem;
import static io.dpsemu.server.x509.TestCertificates.root;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.enrollment.X509Attestation;
import io.dpsemu.protocol.enrollment.X509CaReferences;
import io.dpsemu.protocol.enrollment.X509CertificateWithInfo;
import io.dpsemu.protocol.enrollment.X509Certificates;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.protocol.model.X509RegistrationResult;
import io.dpsemu.server.device.DeviceIdentity;
import io.dpsemu.server.x509.CertificateFacts;
import io.dpsemu.store.CaCertificate;
import io.dpsemu.store.memory.InMemoryStore;
import io.netty.pkitesting.X509Bundle;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeviceAuthenticatorX509Test {

    private static final String SCOPE = "0ne00C0FFEE";
    private static final String DEVICE = "device-1";
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[64]);

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final InMemoryStore store = new InMemoryStore();
    private final DeviceAuthenticator authenticator =
            new DeviceAuthenticator(store, new SasVerifier(Duration.ofSeconds(300), clock), SCOPE, clock);

    private final X509Bundle root = root("Contoso Root");
    private final X509Bundle intermediate = intermediate("Contoso Intermediate", root);
    private final X509Bundle leaf = leaf(DEVICE, intermediate);

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ----- enrollments -------------------------------------------------------------------------

    private static IndividualEnrollment x509Individual(String registrationId, ProvisioningStatus status, String pem) {
        return new IndividualEnrollment(registrationId, null, null,
                new AttestationMechanism(AttestationType.X509, null, new X509Attestation(
                        new X509Certificates(new X509CertificateWithInfo(pem, null), null), null, null), null),
                null, null, null, null, status, null, null, null, null, null, null, null);
    }

    private static EnrollmentGroup group(String id, X509Attestation x509) {
        return new EnrollmentGroup(id, new AttestationMechanism(AttestationType.X509, null, x509, null),
                null, null, null, null, ProvisioningStatus.ENABLED, null, null, null, null, null, null, null);
    }

    private static EnrollmentGroup signingGroup(String id, String primaryPem) {
        return group(id, new X509Attestation(null,
                new X509Certificates(new X509CertificateWithInfo(primaryPem, null), null), null));
    }

    private static EnrollmentGroup caReferenceGroup(String id, String primary, String secondary) {
        return group(id, new X509Attestation(null, null, new X509CaReferences(primary, secondary)));
    }

    private void putCa(String name, String pem) {
        store.putCaCertificate(new CaCertificate(name, pem, null, null, null), null);
    }

    // ----- authentication ------------------------------------------------------------------------

    private static DeviceIdentity presenting(String registrationId, List<X509Certificate> chain) {
        return new DeviceIdentity(SCOPE, registrationId, null, chain);
    }

    private AuthOutcome.Attested attested(DeviceIdentity identity) {
        AuthOutcome outcome = authenticator.authenticate(identity);
        assertThat(outcome).isInstanceOf(AuthOutcome.Attested.class);
        return (AuthOutcome.Attested) outcome;
    }

    private String refused(DeviceIdentity identity) {
        AuthOutcome outcome = authenticator.authenticate(identity);
        assertThat(outcome).isInstanceOf(AuthOutcome.Refused.class);
        AuthOutcome.Refused refused = (AuthOutcome.Refused) outcome;
        assertThat(refused.errorCode()).isEqualTo(ErrorCodes.INVALID_CREDENTIALS);
        return refused.reason();
    }

    private String groupOf(AuthOutcome.Attested attested) {
        assertThat(attested.match()).isInstanceOf(EnrollmentMatch.Group.class);
        return attested.match().enrollmentGroupId();
    }

    // ----- matches -------------------------------------------------------------------------------

    @Test
    void authenticate_whenIndividualEnrollmentHoldsTheLeaf_thenAttestedWithItsCertificateInfo() {
        store.putEnrollment(x509Individual(DEVICE, ProvisioningStatus.ENABLED, pem(leaf)), null);
        store.putGroup(signingGroup("root-group", pem(root)), null);

        AuthOutcome.Attested attested = attested(presenting(DEVICE, chain(leaf, intermediate, root)));

        assertThat(attested.match()).isInstanceOf(EnrollmentMatch.Individual.class);
        assertThat(attested.match().enabled()).isTrue();
        assertThat(attested.x509()).isEqualTo(
                new X509RegistrationResult(CertificateFacts.info(leaf.getCertificate()), null, null));
    }

    @Test
    void authenticate_whenGroupSigningCertificateIsTheRoot_thenAttestedByTheGroup() {
        store.putGroup(signingGroup("root-group", pem(root)), null);

        AuthOutcome.Attested attested = attested(presenting(DEVICE, chain(leaf, intermediate)));

        assertThat(groupOf(attested)).isEqualTo("root-group");
        assertThat(attested.match().deviceId(DEVICE)).isEqualTo(DEVICE);
        assertThat(attested.x509()).isEqualTo(new X509RegistrationResult(CertificateFacts.info(leaf.getCertificate()),
                "root-group", CertificateFacts.info(root.getCertificate())));
    }

    @Test
    void authenticate_whenGroupsOnRootAndIntermediate_thenTheIntermediateGroupWins() {
        store.putGroup(signingGroup("a-root-group", pem(root)), null);
        store.putGroup(signingGroup("b-intermediate-group", pem(intermediate)), null);

        assertThat(groupOf(attested(presenting(DEVICE, chain(leaf, intermediate, root)))))
                .isEqualTo("b-intermediate-group");
    }

    @Test
    void authenticate_whenGroupReferencesARegisteredCa_thenResolvedIgnoringCase() {
        putCa("contoso-root", pem(root));
        store.putGroup(caReferenceGroup("ca-group", "Contoso-Root", null), null);

        AuthOutcome.Attested attested = attested(presenting(DEVICE, chain(leaf, intermediate)));

        assertThat(groupOf(attested)).isEqualTo("ca-group");
        assertThat(attested.x509().signingCertificateInfo()).isEqualTo(CertificateFacts.info(root.getCertificate()));
    }

    @Test
    void authenticate_whenPrimaryCaReferenceIsUnregistered_thenTheSecondaryStillMatches() {
        putCa("contoso-intermediate", pem(intermediate));
        store.putGroup(caReferenceGroup("ca-group", "missing-ca", "contoso-intermediate"), null);

        assertThat(groupOf(attested(presenting(DEVICE, chain(leaf))))).isEqualTo("ca-group");
    }

    @Test
    void authenticate_whenDisabledIndividualEnrollmentInsideEnabledGroup_thenAttestedByTheDisabledEnrollment() {
        store.putGroup(signingGroup("root-group", pem(root)), null);
        store.putEnrollment(x509Individual(DEVICE, ProvisioningStatus.DISABLED, pem(leaf)), null);

        AuthOutcome.Attested attested = attested(presenting(DEVICE, chain(leaf, intermediate, root)));

        assertThat(attested.match()).isInstanceOf(EnrollmentMatch.Individual.class);
        assertThat(attested.match().enabled()).isFalse();
        assertThat(attested.x509().enrollmentGroupId()).isNull();
    }

    @Test
    void authenticate_whenDisabledIndividualEnrollmentDeleted_thenTheDeviceFallsBackToItsGroup() {
        store.putGroup(signingGroup("root-group", pem(root)), null);
        store.putEnrollment(x509Individual(DEVICE, ProvisioningStatus.DISABLED, pem(leaf)), null);
        assertThat(attested(presenting(DEVICE, chain(leaf, intermediate))).match().enabled()).isFalse();

        store.deleteEnrollment(DEVICE, null);

        assertThat(groupOf(attested(presenting(DEVICE, chain(leaf, intermediate))))).isEqualTo("root-group");
    }

    // ----- refusals ------------------------------------------------------------------------------

    @Test
    void authenticate_whenSelfSignedLeafCopiesTheCnOfAGroupDevice_thenRefused() {
        store.putGroup(signingGroup("root-group", pem(root)), null);
        X509Bundle forged = build(() -> device(DEVICE).setIsCertificateAuthority(true).buildSelfSigned());

        assertThat(refused(presenting(DEVICE, chain(forged)))).contains("no X.509 enrollment group");
    }

    @Test
    void authenticate_whenSelfSignedLeafCopiesTheCnOfAnIndividualDevice_thenRefused() {
        store.putEnrollment(x509Individual(DEVICE, ProvisioningStatus.ENABLED, pem(leaf)), null);
        X509Bundle forged = build(() -> device(DEVICE).setIsCertificateAuthority(true).buildSelfSigned());

        assertThat(refused(presenting(DEVICE, chain(forged)))).contains("not one of the certificates enrolled");
    }

    @Test
    void authenticate_whenIndividualEnrollmentUsesSymmetricKeyAndDevicePresentsCertificate_thenRefused() {
        store.putEnrollment(IndividualEnrollment.symmetricKey(DEVICE, KEY, KEY), null);
        store.putGroup(signingGroup("root-group", pem(root)), null);

        assertThat(refused(presenting(DEVICE, chain(leaf, intermediate)))).contains("does not use X.509");
    }

    @Test
    void authenticate_whenNoEnrollmentAtAll_thenRefused() {
        assertThat(refused(presenting(DEVICE, chain(leaf, intermediate, root)))).contains("no individual enrollment");
    }

    // ----- SAS token and certificate together ----------------------------------------------------

    @Test
    void authenticate_whenValidSasTokenAndACertificate_thenJudgedByTheToken() {
        store.putEnrollment(IndividualEnrollment.symmetricKey(DEVICE, KEY, KEY), null);
        String token = SasTokens.create(SCOPE + "/registrations/" + DEVICE, KEY, NOW.plusSeconds(3600), "registration");

        AuthOutcome.Attested attested = attested(new DeviceIdentity(SCOPE, DEVICE, token, chain(leaf, intermediate)));

        assertThat(attested.match()).isInstanceOf(EnrollmentMatch.Individual.class);
        assertThat(attested.x509()).isNull();
    }

    @Test
    void authenticate_whenBadSasTokenAndAMatchingCertificate_thenRefusedByTheToken() {
        store.putGroup(signingGroup("root-group", pem(root)), null);

        AuthOutcome outcome = authenticator.authenticate(
                new DeviceIdentity(SCOPE, DEVICE, "not-a-token", chain(leaf, intermediate)));

        assertThat(outcome).isInstanceOf(AuthOutcome.Refused.class);
        assertThat(((AuthOutcome.Refused) outcome).reason()).contains("SAS token");
    }

    // ----- the group cache -------------------------------------------------------------------------

    @Test
    void authenticate_whenGroupAddedAfterARefusal_thenTheCacheReloads() {
        refused(presenting(DEVICE, chain(leaf, intermediate)));

        store.putGroup(signingGroup("root-group", pem(root)), null);

        assertThat(groupOf(attested(presenting(DEVICE, chain(leaf, intermediate))))).isEqualTo("root-group");
    }

    @Test
    void authenticate_whenReferencedCaRegisteredAfterARefusal_thenTheCacheReloads() {
        store.putGroup(caReferenceGroup("ca-group", "contoso-root", null), null);
        refused(presenting(DEVICE, chain(leaf, intermediate)));

        putCa("contoso-root", pem(root));

        assertThat(groupOf(attested(presenting(DEVICE, chain(leaf, intermediate))))).isEqualTo("ca-group");
    }

    @Test
    void authenticate_whenReferencedCaReplacedOrDeleted_thenTheCacheReloads() {
        putCa("contoso-root", pem(root));
        store.putGroup(caReferenceGroup("ca-group", "contoso-root", null), null);
        attested(presenting(DEVICE, chain(leaf, intermediate)));

        putCa("contoso-root", pem(root("Another Root")));
        refused(presenting(DEVICE, chain(leaf, intermediate)));

        putCa("contoso-root", pem(root));
        attested(presenting(DEVICE, chain(leaf, intermediate)));

        store.deleteCaCertificate("contoso-root", null);
        refused(presenting(DEVICE, chain(leaf, intermediate)));
    }

    @Test
    void authenticate_whenGroupDeletedOrDisabled_thenTheCacheReloads() {
        store.putGroup(signingGroup("root-group", pem(root)), null);
        assertThat(attested(presenting(DEVICE, chain(leaf, intermediate))).match().enabled()).isTrue();

        store.putGroup(signingGroup("root-group", pem(root)).withProvisioningStatus(ProvisioningStatus.DISABLED), null);
        assertThat(attested(presenting(DEVICE, chain(leaf, intermediate))).match().enabled()).isFalse();

        store.deleteGroup("root-group", null);
        refused(presenting(DEVICE, chain(leaf, intermediate)));
    }

    @Test
    void authenticate_whenAGroupSigningCertificateIsGarbage_thenThatGroupIsSkippedAndOthersMatch() {
        store.putGroup(signingGroup("a-broken-group",
                "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----"), null);
        store.putGroup(signingGroup("b-good-group", pem(root)), null);

        assertThat(groupOf(attested(presenting(DEVICE, chain(leaf, intermediate))))).isEqualTo("b-good-group");
    }

    @Test
    void authenticate_whenARegisteredCaCertificateIsGarbage_thenThatReferenceIsSkippedAndOthersMatch() {
        putCa("broken-ca", "not a certificate");
        putCa("contoso-root", pem(root));
        store.putGroup(caReferenceGroup("a-broken-group", "broken-ca", null), null);
        store.putGroup(caReferenceGroup("b-good-group", "broken-ca", "contoso-root"), null);

        assertThat(groupOf(attested(presenting(DEVICE, chain(leaf, intermediate))))).isEqualTo("b-good-group");
    }
}
