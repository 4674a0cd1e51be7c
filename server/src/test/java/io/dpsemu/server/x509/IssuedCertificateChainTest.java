package io.dpsemu.server.x509;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.config.IssuanceConfig;
import io.dpsemu.server.issuance.CredentialPolicies;
import io.dpsemu.server.issuance.IssuedCertificate;
import io.dpsemu.server.tls.CertificateIssuer;
import io.dpsemu.server.tls.KeyMaterial;
import io.dpsemu.server.tls.KeyType;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

/**
 * A certificate the {@code local} credential policy issues passes dpsemu's own X.509 checks with its CA
 * enrolled: an enrollment group on the issuing CA authenticates devices presenting it.
 */
class IssuedCertificateChainTest {

    @Test
    void issuedCertificate_passesTheChainChecks_ofAGroupEnrolledOnTheIssuingCa() throws Exception {
        KeyPair caKeys = CertificateIssuer.newKeyPair(KeyType.EC);
        Instant now = Instant.now();
        KeyMaterial ca = new KeyMaterial(caKeys.getPrivate(), List.of(CertificateIssuer.rootCa(caKeys,
                "dpsemu local CA test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)))));
        KeyPair device = CertificateIssuer.newKeyPair(KeyType.RSA);
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=plant-dev-7"), device.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(device.getPrivate())).getEncoded();

        IssuedCertificate issued = CredentialPolicies.load(IssuanceConfig.defaults(), ca).find("local").orElseThrow()
                .issue("plant-dev-7", Base64.getEncoder().encodeToString(csr), now);

        assertThat(ChainVerifier.problem(issued.chain().subList(0, 1), ca.leaf(), now.plusSeconds(60))).isNull();
        assertThat(CertificateFacts.commonName(issued.certificate())).isEqualTo("plant-dev-7");
    }
}
