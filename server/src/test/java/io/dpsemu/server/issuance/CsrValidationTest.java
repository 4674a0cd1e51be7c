package io.dpsemu.server.issuance;

import static io.dpsemu.server.issuance.TestCsrs.csr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsemu.server.config.CredentialPolicyConfig;
import io.dpsemu.server.config.IssuanceConfig;
import io.dpsemu.server.metrics.CertificateRefusal;
import io.dpsemu.server.tls.CertificateIssuer;
import io.dpsemu.server.tls.KeyType;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a policy refuses in a device's certificate signing request, and the reason the device is told. */
class CsrValidationTest {

    private static final String ID = "line1-dev-01";
    private static final KeyPair DEVICE = TestCsrs.ec("secp256r1");
    private static final CredentialPolicy LOCAL = CredentialPolicies.load(IssuanceConfig.defaults(),
            TestIssuers.material(TestIssuers.root("test local CA"))).find("local").orElseThrow();

    private static IssuedCertificate issue(String csrBase64) throws CsrRefusedException {
        return LOCAL.issue(ID, csrBase64, Instant.now());
    }

    private static void assertRefused(String csrBase64, CertificateRefusal reason, String messagePart) {
        assertThatThrownBy(() -> issue(csrBase64))
                .isInstanceOfSatisfying(CsrRefusedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(messagePart);
    }

    @Test
    void wellFormedRequest_isSigned() throws CsrRefusedException {
        IssuedCertificate issued = issue(csr("CN=" + ID, DEVICE).base64());

        assertThat(issued.certificate().getPublicKey()).isEqualTo(DEVICE.getPublic());
    }

    @Test
    void signatureByAnotherKey_isRefused() {
        String forged = csr("CN=" + ID, DEVICE).signedBy(TestCsrs.ec("secp256r1").getPrivate()).base64();

        assertRefused(forged, CertificateRefusal.BAD_SIGNATURE, "signature does not verify");
    }

    @Test
    void sha1Signature_isRefusedAsABrokenDigest() {
        assertRefused(csr("CN=" + ID, DEVICE).signatureAlgorithm("SHA1withECDSA").base64(),
                CertificateRefusal.BAD_SIGNATURE,
                "broken digest");
    }

    @Test
    void commonNameOtherThanTheRegistrationId_isRefused() {
        assertRefused(csr("CN=line1-dev-02", DEVICE).base64(), CertificateRefusal.SUBJECT,
                "the csr's CN 'line1-dev-02' is not the registration id 'line1-dev-01'");
    }

    @Test
    void subjectWithoutCommonName_isRefused() {
        assertRefused(csr("O=Plant,OU=Line 1", DEVICE).base64(), CertificateRefusal.SUBJECT, "has no CN");
    }

    @Test
    void twoCommonNames_areRefused() {
        assertRefused(csr("CN=" + ID + ",CN=other", DEVICE).base64(), CertificateRefusal.SUBJECT, "2 CNs");
    }

    @Test
    void commonNameDifferingInCase_isTheSameRegistrationId() {
        assertThatCode(() -> issue(csr("CN=LINE1-Dev-01,O=Plant", DEVICE).base64())).doesNotThrowAnyException();
    }

    @Test
    void rsa1024Key_isRefusedAsTooShort() {
        assertRefused(csr("CN=" + ID, TestCsrs.rsa(1024)).base64(), CertificateRefusal.KEY,
                "RSA key has 1024 bits; at least 2048 are required");
    }

    @Test
    void rsaKeyShorterThanThePolicysMinimum_isRefused() throws CsrRefusedException {
        CredentialPolicy strict = CredentialPolicies.load(TestIssuers.config(new CredentialPolicyConfig("local",
                null, null, null, null, 3072, null)), TestIssuers.material(TestIssuers.root("ca")))
                .find("local").orElseThrow();
        String rsa2048 = csr("CN=" + ID, CertificateIssuer.newKeyPair(KeyType.RSA)).base64();

        assertThatThrownBy(() -> strict.issue(ID, rsa2048, Instant.now())).hasMessageContaining("at least 3072");
        assertThat(LOCAL.issue(ID, rsa2048, Instant.now()).certificate()).isNotNull();
    }

    @Test
    void ecCurveOtherThanP256OrP384_isRefusedNamingIt() {
        assertRefused(csr("CN=" + ID, TestCsrs.ec("secp521r1")).base64(), CertificateRefusal.KEY,
                "the csr's EC curve secp521r1 is not accepted; accepted are ec-p256, ec-p384, rsa");
    }

    @Test
    void keyTypeThePolicyLeavesOut_isRefused() {
        CredentialPolicy p256Only = CredentialPolicies.load(TestIssuers.config(new CredentialPolicyConfig("local",
                null, null, null, List.of("ec-p256"), null, null)), TestIssuers.material(TestIssuers.root("ca")))
                .find("local").orElseThrow();

        assertThatThrownBy(() -> p256Only.issue(ID, csr("CN=" + ID, TestCsrs.ec("secp384r1")).base64(),
                Instant.now())).hasMessage("the csr's key type ec-p384 is not accepted; accepted are ec-p256");
        assertThatThrownBy(() -> p256Only.issue(ID, csr("CN=" + ID, TestCsrs.rsa(2048)).base64(), Instant.now()))
                .hasMessage("the csr's key type rsa is not accepted; accepted are ec-p256");
    }

    @Test
    void textThatIsNotBase64_isRefused() {
        assertRefused("this is not base64!", CertificateRefusal.NOT_BASE64, "not base64");
        assertRefused("", CertificateRefusal.NOT_BASE64, "empty");
    }

    @Test
    void pemArmour_isRefusedSayingToSendTheBareBase64() {
        String pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + csr("CN=" + ID, DEVICE).base64()
                + "\n-----END CERTIFICATE REQUEST-----\n";

        assertRefused(pem, CertificateRefusal.NOT_BASE64, "the csr is PEM; send the base64 of the DER request alone");
    }

    @Test
    void base64ThatIsNotARequest_isRefused() throws Exception {
        String certificate = Base64.getEncoder().encodeToString(LOCAL.issuerChain().get(0).getEncoded());

        assertRefused(certificate, CertificateRefusal.NOT_PKCS10, "not a DER PKCS#10 certificate signing request");
        assertRefused(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}), CertificateRefusal.NOT_PKCS10,
                "PKCS#10");
    }

    @Test
    void requestWithTrailingBytes_isRefused() {
        byte[] der = csr("CN=" + ID, DEVICE).der();
        byte[] padded = Arrays.copyOf(der, der.length + 2);

        assertRefused(Base64.getEncoder().encodeToString(padded), CertificateRefusal.NOT_PKCS10, "PKCS#10");
    }

    @Test
    void requestLongerThanTheLimit_isRefused() {
        CredentialPolicy small = CredentialPolicies.load(new IssuanceConfig("local", 3, 10, 1024, List.of()),
                TestIssuers.material(TestIssuers.root("ca"))).find("local").orElseThrow();
        String rsa4096 = csr("CN=" + ID, TestCsrs.rsa(4096)).base64();

        assertThatThrownBy(() -> small.issue(ID, rsa4096, Instant.now()))
                .isInstanceOfSatisfying(CsrRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(CertificateRefusal.TOO_LARGE))
                .hasMessage("the csr is " + rsa4096.length() + " characters long; at most 1024 are accepted");
    }

    @Test
    void base64WrappedOverLines_isAccepted() {
        String wrapped = csr("CN=" + ID, DEVICE).base64().replaceAll("(.{64})", "$1\r\n");

        assertThatCode(() -> issue(wrapped)).doesNotThrowAnyException();
    }

    static Stream<Arguments> extensionsBeyondThePolicy() {
        return Stream.of(
                Arguments.of(Extension.basicConstraints, new BasicConstraints(true), "basicConstraints CA:true"),
                Arguments.of(Extension.keyUsage, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign),
                        "keyUsage keyCertSign"),
                Arguments.of(Extension.keyUsage, new KeyUsage(KeyUsage.cRLSign), "keyUsage cRLSign"),
                Arguments.of(Extension.keyUsage, new KeyUsage(KeyUsage.keyEncipherment), "keyUsage keyEncipherment"),
                Arguments.of(Extension.subjectAlternativeName,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, "dps.plant.example")),
                        "subjectAltName DNS:dps.plant.example"),
                Arguments.of(Extension.subjectAlternativeName, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, ID), new GeneralName(GeneralName.iPAddress, "10.0.0.5")}),
                        "subjectAltName IP:"),
                Arguments.of(Extension.subjectAlternativeName,
                        new GeneralNames(new GeneralName(GeneralName.rfc822Name, ID + "@plant.example")),
                        "subjectAltName email:"),
                Arguments.of(Extension.extendedKeyUsage, new ExtendedKeyUsage(new KeyPurposeId[] {
                    KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}), "extendedKeyUsage serverAuth"),
                Arguments.of(Extension.extendedKeyUsage, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning),
                        "extendedKeyUsage codeSigning"),
                Arguments.of(Extension.subjectKeyIdentifier, new SubjectKeyIdentifier(new byte[20]),
                        "the extension subjectKeyIdentifier"),
                Arguments.of(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), new DERUTF8String("x"),
                        "the extension 1.3.6.1.4.1.99999.1"));
    }

    @ParameterizedTest
    @MethodSource("extensionsBeyondThePolicy")
    void extensionRequestedBeyondThePolicy_isRefusedNamingIt(ASN1ObjectIdentifier oid, ASN1Encodable value,
                                                               String named) {
        String request = csr("CN=" + ID, DEVICE).extension(oid, false, value).base64();

        assertRefused(request, CertificateRefusal.EXTENSION, "the csr requests " + named);
    }

    @Test
    void extensionsThePolicyGrantsAnyway_areAccepted() throws CsrRefusedException {
        String request = csr("CN=" + ID, DEVICE)
                .extension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, ID.toUpperCase())))
                .extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                .extension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                .extension(Extension.basicConstraints, true, new BasicConstraints(false))
                .base64();

        assertThat(issue(request).certificate().getBasicConstraints()).isEqualTo(-1);
    }

    @Test
    void refusalReasons_haveMetricLabels() {
        assertThat(Stream.of(CertificateRefusal.values())
                .map(CertificateRefusal::tag)).contains("bad_signature", "not_base64", "key");
    }
}
