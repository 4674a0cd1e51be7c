package io.dpsemu.server.issuance;

import static io.dpsemu.server.issuance.TestCsrs.csr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.dpsemu.server.config.CredentialPolicyConfig;
import io.dpsemu.server.config.IssuanceConfig;
import io.dpsemu.server.issuance.TestIssuers.Ca;
import io.dpsemu.server.tls.KeyType;
import io.dpsemu.server.x509.CertificateFacts;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate a policy signs for an accepted request, and the chain that comes with it. */
class CredentialPolicyIssueTest {

    private static final String ID = "line1-dev-01";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final Ca LOCAL_CA = TestIssuers.root("dpsemu local CA test");
    private static final CredentialPolicy LOCAL = CredentialPolicies.load(IssuanceConfig.defaults(),
            TestIssuers.material(LOCAL_CA)).find("local").orElseThrow();

    @TempDir
    Path dir;

    private static void assertValidatesUpTo(X509Certificate root, List<X509Certificate> chain) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        // the path the validator is given ends below the anchor
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(chain.subList(0, chain.size() - 1)), parameters);
    }

    @Test
    void leaf_carriesTheRegistrationIdAndClientAuthOnly() throws Exception {
        KeyPair device = TestCsrs.ec("secp256r1");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        X509Certificate leaf = LOCAL.issue(ID, csr("CN=" + ID + ",O=Plant,C=DE", device).base64(), now).certificate();

        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=" + ID);
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(LOCAL_CA.certificate().getSubjectX500Principal());
        assertThat(leaf.getPublicKey()).isEqualTo(device.getPublic());
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, ID));
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(
                Extension.basicConstraints.getId(), Extension.keyUsage.getId());
        // digitalSignature, keyAgreement for an EC key
        assertThat(leaf.getKeyUsage()).startsWith(true, false, false, false, true, false, false);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(leaf.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
        assertThat(leaf.getExtensionValue(Extension.authorityKeyIdentifier.getId())).isNotNull();
        assertThat(leaf.getNotBefore()).isEqualTo(Date.from(now.minus(Duration.ofHours(1))));
        assertThat(leaf.getNotAfter()).isEqualTo(Date.from(now.plus(Duration.ofDays(30))));
        assertThat(leaf.getSerialNumber()).isPositive();
        assertThat(leaf.getSerialNumber().bitLength()).isGreaterThanOrEqualTo(64).isLessThanOrEqualTo(159);
        assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA");
    }

    @Test
    void rsaLeaf_mayEncipherKeysInsteadOfAgreeingThem() throws Exception {
        X509Certificate leaf = LOCAL.issue(ID, csr("CN=" + ID, TestCsrs.rsa(2048)).base64(), Instant.now())
                .certificate();

        assertThat(leaf.getKeyUsage()).startsWith(true, false, true, false, false, false, false);
    }

    @Test
    void registrationIdThatIsNoDnsName_getsNoSubjectAltName() throws Exception {
        String id = "line1:dev_01";

        X509Certificate leaf = LOCAL.issue(id, csr("CN=" + id, TestCsrs.ec("secp256r1")).base64(), Instant.now())
                .certificate();

        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=" + id);
        assertThat(leaf.getSubjectAlternativeNames()).isNull();
    }

    @Test
    void localPolicy_chainIsLeafThenTheLocalCa_andValidatesWithPkix() throws Exception {
        IssuedCertificate issued = LOCAL.issue(ID, csr("CN=" + ID, TestCsrs.ec("secp384r1")).base64(),
                Instant.now());

        assertThat(issued.chain()).containsExactly(issued.certificate(), LOCAL_CA.certificate());
        assertValidatesUpTo(LOCAL_CA.certificate(), issued.chain());
    }

    @Test
    void plantPolicyUnderAnIntermediate_chainEndsWithTheRoot_andValidatesWithPkix() throws Exception {
        Ca root = TestIssuers.root("Plant Root CA", KeyType.RSA, Duration.ofDays(3650));
        Ca issuing = TestIssuers.intermediate("Plant Device CA", root);
        CredentialPolicies policies = CredentialPolicies.load(
                TestIssuers.config(TestIssuers.plantFiles(dir, "plant", issuing, root)),
                TestIssuers.material(LOCAL_CA));

        IssuedCertificate issued = policies.find("plant").orElseThrow()
                .issue(ID, csr("CN=" + ID, TestCsrs.ec("secp256r1")).base64(), Instant.now());

        assertThat(issued.chain()).containsExactly(issued.certificate(), issuing.certificate(), root.certificate());
        assertThat(issued.certificate().getIssuerX500Principal())
                .isEqualTo(issuing.certificate().getSubjectX500Principal());
        assertValidatesUpTo(root.certificate(), issued.chain());
    }

    @Test
    void notAfter_isClampedToTheEarliestExpiryOfTheIssuerChain() throws Exception {
        Ca root = TestIssuers.root("Plant Root CA");
        Ca issuing = TestIssuers.intermediate("Plant Device CA", root, 0, Duration.ofDays(10));
        CredentialPolicy plant = CredentialPolicies.load(
                TestIssuers.config(TestIssuers.plantFiles(dir, "plant", issuing, root)),
                TestIssuers.material(LOCAL_CA)).find("plant").orElseThrow();

        X509Certificate leaf = plant.issue(ID, csr("CN=" + ID, TestCsrs.ec("secp256r1")).base64(), Instant.now())
                .certificate();

        assertThat(leaf.getNotAfter()).isEqualTo(issuing.certificate().getNotAfter());
    }

    @Test
    void validityAndSignatureAlgorithm_followThePolicy() throws Exception {
        CredentialPolicy local = CredentialPolicies.load(TestIssuers.config(new CredentialPolicyConfig("local",
                null, null, 365, null, null, "SHA384withECDSA")), TestIssuers.material(LOCAL_CA))
                .find("local").orElseThrow();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        X509Certificate leaf = local.issue(ID, csr("CN=" + ID, TestCsrs.ec("secp256r1")).base64(), now)
                .certificate();

        assertThat(leaf.getNotAfter()).isEqualTo(Date.from(now.plus(Duration.ofDays(365))));
        assertThat(leaf.getSigAlgName()).isEqualTo("SHA384withECDSA");
    }

    @Test
    void twoIssues_haveDifferentSerialNumbers() throws Exception {
        String request = csr("CN=" + ID, TestCsrs.ec("secp256r1")).base64();

        IssuedCertificate first = LOCAL.issue(ID, request, Instant.now());
        IssuedCertificate second = LOCAL.issue(ID, request, Instant.now());

        assertThat(first.serialNumber()).isNotEqualTo(second.serialNumber());
        assertThat(first.sha256Thumbprint()).isNotEqualTo(second.sha256Thumbprint());
    }

    @Test
    void issuedCertificate_factsAndWireFormMatchTheCertificates() throws Exception {
        IssuedCertificate issued = LOCAL.issue(ID, csr("CN=" + ID, TestCsrs.ec("secp256r1")).base64(),
                Instant.now());

        assertThat(issued.serialNumber()).isEqualTo(CertificateFacts.info(issued.certificate()).serialNumber())
                .matches("[0-9A-F]+");
        assertThat(issued.sha256Thumbprint()).isEqualTo(CertificateFacts.sha256(issued.certificate()))
                .matches("[0-9A-F]{64}");
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        assertThat(issued.chainBase64()).hasSize(2).allSatisfy(base64 -> assertThatCode(() -> factory
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64))))
                .doesNotThrowAnyException());
        assertThat(factory.generateCertificate(new ByteArrayInputStream(
                Base64.getDecoder().decode(issued.chainBase64().get(0))))).isEqualTo(issued.certificate());
    }
}
