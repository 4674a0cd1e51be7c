package io.dpsemu.server.issuance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Certificate signing requests as device SDK samples build them, and the malformed ones a policy refuses. */
public final class TestCsrs {

    private final PKCS10CertificationRequestBuilder builder;
    private final ExtensionsGenerator extensions = new ExtensionsGenerator();
    private PrivateKey signer;
    private String algorithm;

    private TestCsrs(String subject, KeyPair keys) {
        this.builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic());
        this.signer = keys.getPrivate();
        this.algorithm = keys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    }

    /** A request for {@code subject} (e.g. {@code CN=dev-01}) signed by its own key with SHA-256. */
    public static TestCsrs csr(String subject, KeyPair keys) {
        return new TestCsrs(subject, keys);
    }

    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    TestCsrs extension(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
        try {
            extensions.addExtension(oid, critical, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Signed by another key than the one it carries: no proof of possession. */
    TestCsrs signedBy(PrivateKey otherKey) {
        this.signer = otherKey;
        return this;
    }

    TestCsrs signatureAlgorithm(String jcaName) {
        this.algorithm = jcaName;
        return this;
    }

    byte[] der() {
        if (!extensions.isEmpty()) {
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        try {
            return builder.build(new JcaContentSignerBuilder(algorithm).build(signer)).getEncoded();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The wire form: base64 of the DER, no PEM armour. */
    public String base64() {
        return Base64.getEncoder().encodeToString(der());
    }
}
