package io.dpsemu.server.x509;

import static io.dpsemu.server.x509.TestCertificates.NOT_AFTER;
import static io.dpsemu.server.x509.TestCertificates.NOT_BEFORE;
import static io.dpsemu.server.x509.TestCertificates.NOW;
import static io.dpsemu.server.x509.TestCertificates.build;
import static io.dpsemu.server.x509.TestCertificates.ca;
import static io.dpsemu.server.x509.TestCertificates.chain;
import static io.dpsemu.server.x509.TestCertificates.device;
import static io.dpsemu.server.x509.TestCertificates.intermediate;
import static io.dpsemu.server.x509.TestCertificates.leaf;
import static io.dpsemu.server.x509.TestCertificates.pem;
import static io.dpsemu.server.x509.TestCertificates.root;
import static io.dpsemu.server.x509.TestCertificates.rsaRoot;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.enrollment.X509Attestation;
import io.dpsemu.protocol.enrollment.X509CertificateWithInfo;
import io.dpsemu.protocol.enrollment.X509Certificates;
import io.dpsemu.protocol.model.X509RegistrationResult;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.CertificateBuilder.KeyUsage;
import io.netty.pkitesting.X509Bundle;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class X509MatcherTest {

    private static final String DEVICE = "device-1";

    private final X509Bundle root = root("Contoso Root");
    private final X509Bundle intermediate = intermediate("Contoso Intermediate", root);
    private final X509Bundle leaf = leaf(DEVICE, intermediate);

    // ----- enrollments -------------------------------------------------------------------------

    private static IndividualEnrollment individual(String registrationId, ProvisioningStatus status,
            String primaryPem, String secondaryPem) {
        X509Certificates certificates = new X509Certificates(
                new X509CertificateWithInfo(primaryPem, null),
                secondaryPem == null ? null : new X509CertificateWithInfo(secondaryPem, null));
        return new IndividualEnrollment(registrationId, null, null,
                new AttestationMechanism(AttestationType.X509, null, new X509Attestation(certificates, null, null),
                        null),
                null, null, null, null, status, null, null, null, null, null, null, null);
    }

    private static IndividualEnrollment individual(String registrationId, X509Bundle enrolled) {
        return individual(registrationId, ProvisioningStatus.ENABLED, pem(enrolled), null);
    }

    private static X509Group group(String id, ProvisioningStatus status, X509Bundle... signers) {
        X509Certificates signing = new X509Certificates(new X509CertificateWithInfo(pem(signers[0]), null),
                signers.length > 1 ? new X509CertificateWithInfo(pem(signers[1]), null) : null);
        EnrollmentGroup group = new EnrollmentGroup(id,
                new AttestationMechanism(AttestationType.X509, null, new X509Attestation(null, signing, null), null),
                null, null, null, null, status, null, null, null, null, null, null, null);
        List<X509Certificate> parsed = Arrays.stream(signers).map(X509Bundle::getCertificate).toList();
        return new X509Group(group, parsed);
    }

    private static X509Group group(String id, X509Bundle... signers) {
        return group(id, ProvisioningStatus.ENABLED, signers);
    }

    // ----- decisions -----------------------------------------------------------------------------

    private static X509Decision decide(List<X509Certificate> chain, String registrationId,
            IndividualEnrollment individual, X509Group... groups) {
        return X509Matcher.decide(chain, registrationId, individual, List.of(groups), NOW);
    }

    private static X509Decision.Group groupDecision(X509Decision decision) {
        assertThat(decision).isInstanceOf(X509Decision.Group.class);
        return (X509Decision.Group) decision;
    }

    private static X509Decision.Individual individualDecision(X509Decision decision) {
        assertThat(decision).isInstanceOf(X509Decision.Individual.class);
        return (X509Decision.Individual) decision;
    }

    private static String refusal(X509Decision decision) {
        assertThat(decision).isInstanceOf(X509Decision.Refused.class);
        String reason = ((X509Decision.Refused) decision).reason();
        assertThat(reason).isNotBlank();
        return reason;
    }

    private static X509Bundle expiredCa(String cn, X509Bundle issuer) {
        return build(() -> ca("CN=" + cn).notBefore(NOW.minus(Duration.ofDays(400)))
                .notAfter(NOW.minus(Duration.ofDays(1))).buildIssuedBy(issuer));
    }

    // ----- matching order: individual enrollments ----------------------------------------------

    @Test
    void decide_whenIndividualEnrollmentHoldsTheLeafAsPrimary_thenIndividualDecision() {
        IndividualEnrollment enrollment = individual(DEVICE, leaf);

        X509Decision.Individual decision = individualDecision(decide(chain(leaf, intermediate, root), DEVICE,
                enrollment, group("root-group", root)));

        assertThat(decision.enrollment()).isSameAs(enrollment);
        assertThat(decision.result()).isEqualTo(
                new X509RegistrationResult(CertificateFacts.info(leaf.getCertificate()), null, null));
    }

    @Test
    void decide_whenIndividualEnrollmentHoldsTheLeafAsSecondary_thenIndividualDecision() {
        X509Bundle other = leaf(DEVICE, intermediate);
        IndividualEnrollment enrollment = individual(DEVICE, ProvisioningStatus.ENABLED, pem(other), pem(leaf));

        X509Decision.Individual decision = individualDecision(decide(chain(leaf), DEVICE, enrollment));

        assertThat(decision.result().certificateInfo().sha256Thumbprint())
                .isEqualTo(CertificateFacts.sha256(leaf.getCertificate()));
    }

    @Test
    void decide_whenIndividualEnrollmentPrimaryIsUnreadable_thenTheSecondaryStillMatches() {
        IndividualEnrollment enrollment = individual(DEVICE, ProvisioningStatus.ENABLED, "garbage", pem(leaf));

        individualDecision(decide(chain(leaf), DEVICE, enrollment));
    }

    @Test
    void decide_whenIndividualEnrollmentHoldsASelfSignedLeaf_thenIndividualDecisionWithoutAnyCa() {
        X509Bundle selfSigned = build(() -> device(DEVICE).setIsCertificateAuthority(true).buildSelfSigned());

        X509Decision.Individual decision = individualDecision(
                decide(chain(selfSigned), DEVICE, individual(DEVICE, selfSigned)));

        assertThat(decision.result().enrollmentGroupId()).isNull();
        assertThat(decision.result().signingCertificateInfo()).isNull();
    }

    @Test
    void decide_whenDisabledIndividualEnrollmentInsideEnabledGroup_thenIndividualDecision() {
        IndividualEnrollment disabled = individual(DEVICE, ProvisioningStatus.DISABLED, pem(leaf), null);

        X509Decision.Individual decision = individualDecision(decide(chain(leaf, intermediate), DEVICE, disabled,
                group("intermediate-group", intermediate)));

        assertThat(decision.enrollment().isEnabled()).isFalse();
    }

    @Test
    void decide_whenRegistrationIdDiffersInCaseFromCn_thenMatchedLikeDps() {
        X509Decision.Group decision = groupDecision(
                decide(chain(leaf, intermediate), DEVICE.toUpperCase(), null, group("g", intermediate)));

        assertThat(decision.group().enrollmentGroupId()).isEqualTo("g");
    }

    // ----- matching order: groups ----------------------------------------------------------------

    @Test
    void decide_whenGroupsOnIntermediateAndRoot_thenGroupOfFirstIntermediateWins() {
        X509Group rootGroup = group("a-root-group", root);
        X509Group intermediateGroup = group("b-intermediate-group", intermediate);

        X509Decision.Group decision = groupDecision(
                decide(chain(leaf, intermediate, root), DEVICE, null, rootGroup, intermediateGroup));

        assertThat(decision.group().enrollmentGroupId()).isEqualTo("b-intermediate-group");
        assertThat(decision.result()).isEqualTo(new X509RegistrationResult(
                CertificateFacts.info(leaf.getCertificate()), "b-intermediate-group",
                CertificateFacts.info(intermediate.getCertificate())));
    }

    @Test
    void decide_whenGroupOnRootAndDeviceSendsWholeChain_thenRootGroup() {
        X509Decision.Group decision = groupDecision(
                decide(chain(leaf, intermediate, root), DEVICE, null, group("root-group", root)));

        assertThat(decision.group().enrollmentGroupId()).isEqualTo("root-group");
        assertThat(decision.result().signingCertificateInfo())
                .isEqualTo(CertificateFacts.info(root.getCertificate()));
    }

    @Test
    void decide_whenGroupOnRootAndDeviceSendsLeafAndIntermediateButNotRoot_thenRootGroup() {
        X509Decision.Group decision = groupDecision(
                decide(chain(leaf, intermediate), DEVICE, null, group("root-group", root)));

        assertThat(decision.group().enrollmentGroupId()).isEqualTo("root-group");
        assertThat(decision.result().signingCertificateInfo())
                .isEqualTo(CertificateFacts.info(root.getCertificate()));
    }

    @Test
    void decide_whenGroupOnRootAndDeviceSendsOnlyLeafSignedByRoot_thenRootGroup() {
        X509Bundle direct = leaf(DEVICE, root);

        X509Decision.Group decision = groupDecision(decide(chain(direct), DEVICE, null, group("root-group", root)));

        assertThat(decision.result().certificateInfo()).isEqualTo(CertificateFacts.info(direct.getCertificate()));
    }

    @Test
    void decide_whenGroupOnIntermediateAndDeviceSendsOnlyLeaf_thenIntermediateGroup() {
        X509Decision.Group decision = groupDecision(
                decide(chain(leaf), DEVICE, null, group("intermediate-group", intermediate)));

        assertThat(decision.group().enrollmentGroupId()).isEqualTo("intermediate-group");
    }

    @Test
    void decide_whenGroupOnUpperOfTwoIntermediates_thenThatGroupAndChainVerifiedUpToIt() {
        X509Bundle lower = intermediate("Lower Intermediate", intermediate);
        X509Bundle device = leaf(DEVICE, lower);

        X509Decision.Group decision = groupDecision(decide(chain(device, lower, intermediate, root), DEVICE, null,
                group("root-group", root), group("upper-group", intermediate)));

        assertThat(decision.group().enrollmentGroupId()).isEqualTo("upper-group");
    }

    @Test
    void decide_whenGroupUsesSecondarySigningCertificate_thenMatched() {
        X509Bundle otherRoot = root("Other Root");

        X509Decision.Group decision = groupDecision(
                decide(chain(leaf, intermediate), DEVICE, null, group("g", otherRoot, root)));

        assertThat(decision.result().signingCertificateInfo())
                .isEqualTo(CertificateFacts.info(root.getCertificate()));
    }

    @Test
    void decide_whenFirstMatchingGroupIsDisabled_thenItDecidesAlthoughTheRootGroupIsEnabled() {
        X509Group disabledIntermediateGroup = group("intermediate-group", ProvisioningStatus.DISABLED, intermediate);

        X509Decision.Group decision = groupDecision(decide(chain(leaf, intermediate, root), DEVICE, null,
                group("root-group", root), disabledIntermediateGroup));

        assertThat(decision.group().enrollmentGroupId()).isEqualTo("intermediate-group");
        assertThat(decision.group().isEnabled()).isFalse();
    }

    @Test
    void decide_whenTwoGroupsHoldTheSameCertificate_thenTheFirstInOrderDecides() {
        X509Decision.Group decision = groupDecision(decide(chain(leaf, intermediate), DEVICE, null,
                group("first", intermediate), group("second", intermediate)));

        assertThat(decision.group().enrollmentGroupId()).isEqualTo("first");
    }

    @Test
    void decide_whenFirstMatchFailsVerification_thenRefusedByThatGroupWithoutTryingTheRootGroup() {
        X509Bundle expired = expiredCa("Contoso Intermediate", root);
        X509Bundle device = leaf(DEVICE, expired);

        String reason = refusal(decide(chain(device, expired, root), DEVICE, null,
                group("root-group", root), group("intermediate-group", expired)));

        assertThat(reason).contains("expired").contains("intermediate-group");
    }

    @Test
    void decide_withRsaRootAndIntermediate_thenGroupDecision() {
        X509Bundle rsa = rsaRoot("RSA Root");
        X509Bundle rsaIntermediate = build(() -> ca("CN=RSA Intermediate").rsa2048().buildIssuedBy(rsa));
        X509Bundle rsaLeaf = build(() -> device(DEVICE).rsa2048().buildIssuedBy(rsaIntermediate));
        X509Bundle ecLeaf = leaf("device-2", rsaIntermediate);

        assertThat(groupDecision(decide(chain(rsaLeaf, rsaIntermediate), DEVICE, null, group("rsa", rsa)))
                .group().enrollmentGroupId()).isEqualTo("rsa");
        assertThat(groupDecision(decide(chain(ecLeaf, rsaIntermediate, rsa), "device-2", null, group("rsa", rsa)))
                .group().enrollmentGroupId()).isEqualTo("rsa");
    }

    // ----- refusals: who the device is -----------------------------------------------------------

    @Test
    void decide_whenSelfSignedLeafCopiesAnEnrolledCn_thenRefused() {
        X509Bundle forged = build(() -> device(DEVICE).setIsCertificateAuthority(true).buildSelfSigned());

        String reason = refusal(decide(chain(forged), DEVICE, individual(DEVICE, leaf), group("root-group", root)));

        assertThat(reason).contains("not one of the certificates enrolled for '" + DEVICE + "'");
    }

    @Test
    void decide_whenSelfSignedLeafCopiesACnAndOnlyGroupsExist_thenRefused() {
        X509Bundle forged = build(() -> device(DEVICE).setIsCertificateAuthority(true).buildSelfSigned());

        String reason = refusal(decide(chain(forged), DEVICE, null,
                group("root-group", root), group("intermediate-group", intermediate)));

        assertThat(reason).contains("no individual enrollment").contains("no X.509 enrollment group");
    }

    @Test
    void decide_whenRightCnButDifferentKeyThanEnrolledLeaf_thenRefused() {
        X509Bundle sameNameOtherKey = leaf(DEVICE, intermediate);

        String reason = refusal(decide(chain(sameNameOtherKey, intermediate, root), DEVICE, individual(DEVICE, leaf),
                group("root-group", root)));

        assertThat(reason).contains("is not one of the certificates enrolled");
    }

    @Test
    void decide_whenIndividualEnrollmentUsesSymmetricKey_thenRefusedAlthoughAGroupWouldMatch() {
        IndividualEnrollment symmetric = IndividualEnrollment.symmetricKey(DEVICE, "a2V5", "a2V5");

        String reason = refusal(decide(chain(leaf, intermediate), DEVICE, symmetric, group("g", intermediate)));

        assertThat(reason).contains("does not use X.509 client certificates");
    }

    @Test
    void decide_whenCnDiffersFromRegistrationId_thenRefused() {
        String reason = refusal(decide(chain(leaf, intermediate), "device-2", null, group("g", intermediate)));

        assertThat(reason).contains("CN 'device-1'").contains("differs from the registration id 'device-2'");
    }

    @Test
    void decide_whenLeafHasNoCn_thenRefused() {
        X509Bundle noCn = build(() -> device(DEVICE).subject("O=Contoso, C=US").buildIssuedBy(intermediate));

        String reason = refusal(decide(chain(noCn, intermediate), DEVICE, null, group("g", intermediate)));

        assertThat(reason).contains("differs from the registration id");
    }

    @Test
    void decide_whenCnLongerThan64_thenRefused() {
        String longId = "d".repeat(65);
        X509Bundle longLeaf = leaf(longId, intermediate);

        String reason = refusal(decide(chain(longLeaf, intermediate), longId, individual(longId, longLeaf),
                group("g", intermediate)));

        assertThat(reason).contains("longer than 64");
    }

    @Test
    void decide_whenCnIsExactly64_thenAccepted() {
        String id = "d".repeat(64);
        X509Bundle device = leaf(id, intermediate);

        groupDecision(decide(chain(device, intermediate), id, null, group("g", intermediate)));
    }

    // ----- refusals: trust -------------------------------------------------------------------------

    @Test
    void decide_whenChainLeadsToUnenrolledCa_thenRefused() {
        X509Bundle strangerRoot = root("Stranger Root");
        X509Bundle strangerIntermediate = intermediate("Stranger Intermediate", strangerRoot);
        X509Bundle device = leaf(DEVICE, strangerIntermediate);

        String reason = refusal(decide(chain(device, strangerIntermediate, strangerRoot), DEVICE, null,
                group("root-group", root), group("intermediate-group", intermediate)));

        assertThat(reason).contains("no X.509 enrollment group").contains("3 certificate(s)");
    }

    @Test
    void decide_whenIntermediateMissingAndOnlyRootEnrolled_thenRefused() {
        String reason = refusal(decide(chain(leaf), DEVICE, null, group("root-group", root)));

        assertThat(reason).contains("no X.509 enrollment group");
    }

    @Test
    void decide_whenLeafNamesTheEnrolledRootAsIssuerButAnotherKeySignedIt_thenRefused() {
        X509Bundle impostorRoot = root("Contoso Root");
        X509Bundle forged = leaf(DEVICE, impostorRoot);

        String reason = refusal(decide(chain(forged), DEVICE, null, group("root-group", root)));

        assertThat(reason).contains("no X.509 enrollment group");
    }

    @Test
    void decide_whenPresentedIntermediateHasEnrolledSubjectButAnotherKey_thenRefused() {
        X509Bundle impostorRoot = root("Contoso Root");
        X509Bundle impostorIntermediate = intermediate("Contoso Intermediate", impostorRoot);
        X509Bundle forged = leaf(DEVICE, impostorIntermediate);

        String reason = refusal(decide(chain(forged, impostorIntermediate), DEVICE, null,
                group("intermediate-group", intermediate), group("root-group", root)));

        assertThat(reason).contains("no X.509 enrollment group");
    }

    @Test
    void decide_whenForgedIntermediateIsSentWithTheRealEnrolledRoot_thenRefusedNamingTheSignature() {
        X509Bundle impostorRoot = root("Contoso Root");
        X509Bundle impostorIntermediate = intermediate("Contoso Intermediate", impostorRoot);
        X509Bundle forged = leaf(DEVICE, impostorIntermediate);

        String reason = refusal(decide(chain(forged, impostorIntermediate, root), DEVICE, null,
                group("root-group", root)));

        assertThat(reason).contains("'CN=Contoso Intermediate'").contains("is not signed by the certificate above it");
    }

    @Test
    void decide_whenRealEnrolledIntermediateIsSentWithALeafSignedByAnotherKey_thenRefused() {
        X509Bundle impostorIntermediate = intermediate("Contoso Intermediate", root("Contoso Root"));
        X509Bundle forged = leaf(DEVICE, impostorIntermediate);

        String reason = refusal(decide(chain(forged, intermediate, root), DEVICE, null,
                group("intermediate-group", intermediate)));

        assertThat(reason).contains("'CN=" + DEVICE + "'").contains("is not signed by the certificate above it");
    }

    // ----- refusals: dates -------------------------------------------------------------------------

    @Test
    void decide_whenLeafExpired_thenRefused() {
        X509Bundle expired = build(() -> device(DEVICE).notBefore(NOW.minus(Duration.ofDays(30)))
                .notAfter(NOW.minusSeconds(1)).buildIssuedBy(intermediate));

        String reason = refusal(decide(chain(expired, intermediate), DEVICE, null, group("g", intermediate)));

        assertThat(reason).contains("device certificate").contains("expired at");
    }

    @Test
    void decide_whenIndividuallyEnrolledLeafExpired_thenRefused() {
        X509Bundle expired = build(() -> device(DEVICE).notBefore(NOW.minus(Duration.ofDays(30)))
                .notAfter(NOW.minusSeconds(1)).buildIssuedBy(intermediate));

        String reason = refusal(decide(chain(expired), DEVICE, individual(DEVICE, expired)));

        assertThat(reason).contains("expired at");
    }

    @Test
    void decide_whenLeafNotYetValid_thenRefused() {
        X509Bundle future = build(() -> device(DEVICE).notBefore(NOW.plus(Duration.ofDays(1)))
                .notAfter(NOT_AFTER).buildIssuedBy(intermediate));

        String reason = refusal(decide(chain(future, intermediate), DEVICE, null, group("g", intermediate)));

        assertThat(reason).contains("is not valid before");
    }

    @Test
    void decide_whenIndividuallyEnrolledLeafNotYetValid_thenRefused() {
        X509Bundle future = build(() -> device(DEVICE).notBefore(NOW.plus(Duration.ofDays(1)))
                .notAfter(NOT_AFTER).buildIssuedBy(intermediate));

        String reason = refusal(decide(chain(future), DEVICE, individual(DEVICE, future)));

        assertThat(reason).contains("is not valid before");
    }

    @Test
    void decide_whenIntermediateBelowEnrolledRootExpired_thenRefused() {
        X509Bundle expired = expiredCa("Old Intermediate", root);
        X509Bundle device = leaf(DEVICE, expired);

        String reason = refusal(decide(chain(device, expired, root), DEVICE, null, group("root-group", root)));

        assertThat(reason).contains("'CN=Old Intermediate'").contains("expired at");
    }

    @Test
    void decide_whenEnrolledRootExpired_thenRefused() {
        X509Bundle expiredRoot = build(() -> ca("CN=Old Root").notBefore(NOW.minus(Duration.ofDays(400)))
                .notAfter(NOW.minus(Duration.ofDays(1))).buildSelfSigned());
        X509Bundle device = leaf(DEVICE, expiredRoot);

        String reason = refusal(decide(chain(device, expiredRoot), DEVICE, null, group("root-group", expiredRoot)));

        assertThat(reason).contains("enrolled certificate 'CN=Old Root'").contains("expired at");
    }

    @Test
    void decide_whenEnrolledIntermediateExpiredAndOnlyLeafSent_thenRefused() {
        X509Bundle expired = expiredCa("Old Intermediate", root);
        X509Bundle device = leaf(DEVICE, expired);

        String reason = refusal(decide(chain(device), DEVICE, null, group("intermediate-group", expired)));

        assertThat(reason).contains("enrolled certificate 'CN=Old Intermediate'").contains("expired at");
    }

    // ----- refusals: CA constraints and key usage ------------------------------------------------

    @Test
    void decide_whenNonCaCertificateSignsTheDeviceCertificate_thenRefused() {
        X509Bundle notCa = leaf("gateway", root);
        X509Bundle device = leaf(DEVICE, notCa);

        String reason = refusal(decide(chain(device, notCa, root), DEVICE, null, group("root-group", root)));

        assertThat(reason).contains("'CN=gateway'").contains("signs another certificate");
    }

    @Test
    void decide_whenCertificateMarkedCaFalseSignsTheDeviceCertificate_thenRefused() {
        X509Bundle notCa = build(() -> TestCertificates.notCa("gateway").buildIssuedBy(root));
        X509Bundle device = leaf(DEVICE, notCa);

        String reason = refusal(decide(chain(device, notCa), DEVICE, null, group("root-group", root)));

        assertThat(reason).contains("'CN=gateway'").contains("is not a CA certificate");
    }

    @Test
    void decide_whenEnrolledCertificateIsNotACa_thenRefused() {
        X509Bundle notCa = leaf("gateway", root);
        X509Bundle device = leaf(DEVICE, notCa);

        String reason = refusal(decide(chain(device, notCa), DEVICE, null, group("gateway-group", notCa)));

        assertThat(reason).contains("enrolled certificate 'CN=gateway' is not a CA certificate");
    }

    @Test
    void decide_whenIntermediateLacksKeyCertSign_thenRefused() {
        X509Bundle noCertSign = build(() -> ca("CN=No CertSign").setKeyUsage(true, KeyUsage.digitalSignature)
                .buildIssuedBy(root));
        X509Bundle device = leaf(DEVICE, noCertSign);

        String reason = refusal(decide(chain(device, noCertSign, root), DEVICE, null, group("root-group", root)));

        assertThat(reason).contains("'CN=No CertSign'").contains("keyCertSign");
    }

    @Test
    void decide_whenEnrolledIntermediateLacksKeyCertSign_thenRefused() {
        X509Bundle noCertSign = build(() -> ca("CN=No CertSign").setKeyUsage(true, KeyUsage.digitalSignature)
                .buildIssuedBy(root));
        X509Bundle device = leaf(DEVICE, noCertSign);

        String reason = refusal(decide(chain(device, noCertSign), DEVICE, null, group("g", noCertSign)));

        assertThat(reason).contains("enrolled certificate 'CN=No CertSign'").contains("keyCertSign");
    }

    @Test
    void decide_whenRootPathLengthForbidsTheIntermediate_thenRefused() {
        X509Bundle strictRoot = build(() -> ca("CN=Strict Root").setPathLengthConstraint(OptionalInt.of(0))
                .buildSelfSigned());
        X509Bundle below = intermediate("Below Strict", strictRoot);
        X509Bundle device = leaf(DEVICE, below);

        // pathLen 0 on the root allows an end-entity below it, but not a CA.
        String reason = refusal(decide(chain(device, below, strictRoot), DEVICE, null,
                group("strict", strictRoot)));

        assertThat(reason).contains("path length constraint of the enrolled certificate 'CN=Strict Root'");
    }

    @Test
    void decide_whenLeafHasServerAuthOnlyExtendedKeyUsage_thenRefused() {
        X509Bundle serverAuthOnly = build(() -> new CertificateBuilder().subject("CN=" + DEVICE)
                .notBefore(NOT_BEFORE).notAfter(NOT_AFTER).ecp256().addExtendedKeyUsageServerAuth()
                .buildIssuedBy(intermediate));

        String groupReason = refusal(decide(chain(serverAuthOnly, intermediate), DEVICE, null,
                group("g", intermediate)));
        String individualReason = refusal(decide(chain(serverAuthOnly), DEVICE, individual(DEVICE, serverAuthOnly)));

        assertThat(groupReason).contains("clientAuth");
        assertThat(individualReason).contains("clientAuth");
    }

    @Test
    void decide_whenLeafHasClientAuthAmongOtherPurposes_thenAccepted() {
        X509Bundle both = build(() -> device(DEVICE).addExtendedKeyUsageServerAuth().buildIssuedBy(intermediate));

        groupDecision(decide(chain(both, intermediate), DEVICE, null, group("g", intermediate)));
    }

    @Test
    void decide_whenLeafHasNoExtendedKeyUsage_thenAcceptedAsAnyPurpose() {
        X509Bundle noEku = build(() -> new CertificateBuilder().subject("CN=" + DEVICE)
                .notBefore(NOT_BEFORE).notAfter(NOT_AFTER).ecp256().buildIssuedBy(intermediate));

        groupDecision(decide(chain(noEku, intermediate), DEVICE, null, group("g", intermediate)));
    }
}
