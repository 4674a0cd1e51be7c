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
import static io.dpsemu.server.x509.TestCertificates.root;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.CertificateBuilder.KeyUsage;
import io.netty.pkitesting.X509Bundle;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {

    private final X509Bundle root = root("Root");
    private final X509Bundle intermediate = intermediate("Intermediate", root);
    private final X509Bundle leaf = leaf("device-1", intermediate);

    private static CertificateBuilder caValid(String cn, Duration fromNow, Duration untilNow) {
        return ca("CN=" + cn).notBefore(NOW.plus(fromNow)).notAfter(NOW.plus(untilNow));
    }

    // ----- good chains -------------------------------------------------------------------------

    @Test
    void problem_whenLeafAndIntermediateChainToEnrolledRoot_thenNone() {
        assertThat(ChainVerifier.problem(chain(leaf, intermediate), root.getCertificate(), NOW)).isNull();
    }

    @Test
    void problem_whenLeafSignedDirectlyByEnrolledIntermediate_thenNone() {
        assertThat(ChainVerifier.problem(chain(leaf), intermediate.getCertificate(), NOW)).isNull();
    }

    @Test
    void problem_whenEnrolledCertificateHasNoKeyUsageExtension_thenNone() {
        X509Bundle plainRoot = build(() -> new CertificateBuilder().subject("CN=Plain Root")
                .setIsCertificateAuthority(true).notBefore(NOT_BEFORE).notAfter(NOT_AFTER).ecp256().buildSelfSigned());
        X509Bundle device = leaf("device-1", plainRoot);

        assertThat(ChainVerifier.problem(chain(device), plainRoot.getCertificate(), NOW)).isNull();
    }

    @Test
    void problem_whenRsaChain_thenNone() {
        X509Bundle rsaRoot = TestCertificates.rsaRoot("RSA Root");
        X509Bundle rsaIntermediate = build(() -> ca("CN=RSA Intermediate").rsa2048().buildIssuedBy(rsaRoot));
        X509Bundle rsaLeaf = build(() -> device("device-1").rsa2048().buildIssuedBy(rsaIntermediate));

        assertThat(ChainVerifier.problem(chain(rsaLeaf, rsaIntermediate), rsaRoot.getCertificate(), NOW)).isNull();
    }

    // ----- the path ----------------------------------------------------------------------------

    @Test
    void problem_whenPathDoesNotLeadToTheEnrolledCertificate_thenSaysSo() {
        X509Bundle stranger = root("Stranger");

        assertThat(ChainVerifier.problem(chain(leaf, intermediate), stranger.getCertificate(), NOW))
                .isEqualTo("the chain does not lead to the enrolled certificate");
    }

    @Test
    void problem_whenEnrolledCertificateHasTheIssuerNameButAnotherKey_thenSignatureProblem() {
        X509Bundle impostor = root("Root");

        assertThat(ChainVerifier.problem(chain(leaf, intermediate), impostor.getCertificate(), NOW))
                .isEqualTo("the certificate 'CN=Intermediate' is not signed by the certificate above it");
    }

    @Test
    void problem_whenIntermediateExpired_thenNamesItAndTheDate() {
        X509Bundle expired = build(() -> caValid("Expired", Duration.ofDays(-90), Duration.ofDays(-1))
                .buildIssuedBy(root));
        X509Bundle device = leaf("device-1", expired);

        assertThat(ChainVerifier.problem(chain(device, expired), root.getCertificate(), NOW))
                .isEqualTo("the chain certificate 'CN=Expired' expired at " + NOW.minus(Duration.ofDays(1)));
    }

    @Test
    void problem_whenIntermediateNotYetValid_thenNamesItAndTheDate() {
        X509Bundle future = build(() -> caValid("Future", Duration.ofDays(1), Duration.ofDays(90))
                .buildIssuedBy(root));
        X509Bundle device = leaf("device-1", future);

        assertThat(ChainVerifier.problem(chain(device, future), root.getCertificate(), NOW))
                .isEqualTo("the chain certificate 'CN=Future' is not valid before " + NOW.plus(Duration.ofDays(1)));
    }

    @Test
    void problem_whenIntermediateIsNotACa_thenNamesIt() {
        X509Bundle notCa = build(() -> TestCertificates.notCa("not-a-ca").buildIssuedBy(root));
        X509Bundle device = leaf("device-1", notCa);

        assertThat(notCa.getCertificate().getExtensionValue("2.5.29.19")).isNotNull();
        assertThat(ChainVerifier.problem(chain(device, notCa), root.getCertificate(), NOW))
                .isEqualTo("the certificate 'CN=not-a-ca' signs another certificate but is not a CA certificate");
    }

    @Test
    void problem_whenADeviceCertificateSignsAnother_thenRefusedForItsKeyUsage() {
        X509Bundle otherDevice = leaf("device-0", root);
        X509Bundle device = leaf("device-1", otherDevice);

        assertThat(ChainVerifier.problem(chain(device, otherDevice), root.getCertificate(), NOW))
                .isEqualTo("the certificate 'CN=device-0' signs another certificate but lacks the keyCertSign "
                        + "key usage");
    }

    @Test
    void problem_whenIntermediateLacksKeyCertSign_thenNamesIt() {
        X509Bundle noCertSign = build(() -> ca("CN=No CertSign").setKeyUsage(true, KeyUsage.digitalSignature)
                .buildIssuedBy(root));
        X509Bundle device = leaf("device-1", noCertSign);

        assertThat(ChainVerifier.problem(chain(device, noCertSign), root.getCertificate(), NOW))
                .isEqualTo("the certificate 'CN=No CertSign' signs another certificate but lacks the keyCertSign "
                        + "key usage");
    }

    @Test
    void problem_whenEnrolledCertificatesPathLengthConstraintExceeded_thenSaysSo() {
        X509Bundle strict = build(() -> ca("CN=Strict").setPathLengthConstraint(OptionalInt.of(0)).buildSelfSigned());
        X509Bundle below = intermediate("Below", strict);
        X509Bundle device = leaf("device-1", below);

        assertThat(ChainVerifier.problem(chain(device, below), strict.getCertificate(), NOW))
                .isEqualTo("the chain is longer than the path length constraint of the enrolled certificate "
                        + "'CN=Strict' allows (1 CA certificate(s) below it, at most 0)");
        assertThat(ChainVerifier.problem(chain(leaf("device-1", strict)), strict.getCertificate(), NOW)).isNull();
    }

    @Test
    void problem_whenEnrolledCertificatesPathLengthConstraintMet_thenNone() {
        X509Bundle one = build(() -> ca("CN=One").setPathLengthConstraint(OptionalInt.of(1)).buildSelfSigned());
        X509Bundle below = intermediate("Below", one);
        X509Bundle device = leaf("device-1", below);

        assertThat(ChainVerifier.problem(chain(device, below), one.getCertificate(), NOW)).isNull();
    }

    @Test
    void problem_whenIntermediatesPathLengthConstraintExceeded_thenSaysSo() {
        X509Bundle strict = build(() -> ca("CN=Strict Intermediate").setPathLengthConstraint(OptionalInt.of(0))
                .buildIssuedBy(root));
        X509Bundle below = intermediate("Below", strict);
        X509Bundle device = leaf("device-1", below);

        assertThat(ChainVerifier.problem(chain(device, below, strict), root.getCertificate(), NOW))
                .startsWith("the chain is longer than a CA's path length constraint allows at");
    }

    // ----- the enrolled certificate (PKIX trusts its anchor blindly) ----------------------------

    @Test
    void problem_whenEnrolledCertificateExpired_thenNamesIt() {
        X509Bundle expired = build(() -> caValid("Old Root", Duration.ofDays(-400), Duration.ofDays(-1))
                .buildSelfSigned());
        X509Bundle device = leaf("device-1", expired);

        assertThat(ChainVerifier.problem(chain(device), expired.getCertificate(), NOW))
                .isEqualTo("the enrolled certificate 'CN=Old Root' expired at " + NOW.minus(Duration.ofDays(1)));
    }

    @Test
    void problem_whenEnrolledCertificateNotYetValid_thenNamesIt() {
        X509Bundle future = build(() -> caValid("New Root", Duration.ofDays(1), Duration.ofDays(400))
                .buildSelfSigned());
        X509Bundle device = leaf("device-1", future);

        assertThat(ChainVerifier.problem(chain(device), future.getCertificate(), NOW))
                .isEqualTo("the enrolled certificate 'CN=New Root' is not valid before "
                        + NOW.plus(Duration.ofDays(1)));
    }

    @Test
    void problem_whenEnrolledCertificateIsNotACa_thenNamesIt() {
        X509Bundle notCa = leaf("not-a-ca", root);
        X509Bundle device = leaf("device-1", notCa);

        assertThat(ChainVerifier.problem(chain(device), notCa.getCertificate(), NOW))
                .isEqualTo("the enrolled certificate 'CN=not-a-ca' is not a CA certificate");
    }

    @Test
    void problem_whenEnrolledCertificateLacksKeyCertSign_thenNamesIt() {
        X509Bundle noCertSign = build(() -> ca("CN=No CertSign").setKeyUsage(true, KeyUsage.digitalSignature)
                .buildIssuedBy(root));
        X509Bundle device = leaf("device-1", noCertSign);

        assertThat(ChainVerifier.problem(chain(device), noCertSign.getCertificate(), NOW))
                .isEqualTo("the enrolled certificate 'CN=No CertSign' may not sign certificates "
                        + "(no keyCertSign key usage)");
    }

    @Test
    void problem_whenLeafAndChainBothBad_thenTheLeafIsReportedFirst() {
        X509Bundle expiredLeaf = build(() -> device("device-1").notBefore(NOT_BEFORE).notAfter(NOW.minusSeconds(1))
                .buildIssuedBy(intermediate));

        assertThat(ChainVerifier.problem(chain(expiredLeaf), root("Stranger").getCertificate(), NOW))
                .startsWith("the device certificate 'CN=device-1' expired at");
    }

    // ----- the leaf alone --------------------------------------------------------------------------

    @Test
    void leafProblem_whenClientAuth_thenNone() {
        assertThat(ChainVerifier.leafProblem(leaf.getCertificate(), NOW)).isNull();
    }

    @Test
    void leafProblem_whenAnyExtendedKeyUsage_thenNone() {
        X509Bundle any = build(() -> new CertificateBuilder().subject("CN=device-1").notBefore(NOT_BEFORE)
                .notAfter(NOT_AFTER).ecp256().addExtendedKeyUsage("2.5.29.37.0").buildIssuedBy(intermediate));

        assertThat(ChainVerifier.leafProblem(any.getCertificate(), NOW)).isNull();
    }

    @Test
    void leafProblem_whenServerAuthOnly_thenNamesClientAuth() {
        X509Bundle server = build(() -> new CertificateBuilder().subject("CN=device-1").notBefore(NOT_BEFORE)
                .notAfter(NOT_AFTER).ecp256().addExtendedKeyUsageServerAuth().buildIssuedBy(intermediate));

        assertThat(ChainVerifier.leafProblem(server.getCertificate(), NOW))
                .isEqualTo("the device certificate 'CN=device-1' is not for client authentication "
                        + "(its extended key usage lacks clientAuth)");
    }

    @Test
    void leafProblem_atTheValidityBounds_thenInclusive() {
        X509Bundle bounded = build(() -> device("device-1").notBefore(NOW.minusSeconds(10))
                .notAfter(NOW.plusSeconds(10)).buildIssuedBy(intermediate));

        assertThat(ChainVerifier.leafProblem(bounded.getCertificate(), NOW.minusSeconds(10))).isNull();
        assertThat(ChainVerifier.leafProblem(bounded.getCertificate(), NOW.plusSeconds(10))).isNull();
        assertThat(ChainVerifier.leafProblem(bounded.getCertificate(), NOW.minusSeconds(11)))
                .isEqualTo("the device certificate 'CN=device-1' is not valid before " + NOW.minusSeconds(10));
        assertThat(ChainVerifier.leafProblem(bounded.getCertificate(), NOW.plusSeconds(11)))
                .isEqualTo("the device certificate 'CN=device-1' expired at " + NOW.plusSeconds(10));
    }
}
