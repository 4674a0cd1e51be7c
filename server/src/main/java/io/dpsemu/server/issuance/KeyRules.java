package io.dpsemu.server.issuance;

import io.dpsemu.server.config.CredentialPolicyConfig;
import io.dpsemu.server.metrics.CertificateRefusal;
import java.io.IOException;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The device keys a policy signs: which of {@code ec-p256}, {@code ec-p384} and {@code rsa}, and the
 * shortest RSA modulus. Read from the request's key info, before any cryptography runs on the key.
 */
record KeyRules(List<String> keyTypes, int minRsaBits) {

    KeyRules {
        keyTypes = List.copyOf(keyTypes);
    }

    static KeyRules of(CredentialPolicyConfig policy) {
        return new KeyRules(policy.keyTypes(), policy.minRsaBits());
    }

    void check(SubjectPublicKeyInfo key) throws CsrRefusedException {
        ASN1ObjectIdentifier algorithm = key.getAlgorithm().getAlgorithm();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            accept(curveType(key.getAlgorithm().getParameters()));
        } else if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            accept(CredentialPolicyConfig.RSA);
            int bits = rsaBits(key);
            if (bits < minRsaBits) {
                throw new CsrRefusedException(CertificateRefusal.KEY,
                        "the csr's RSA key has " + bits + " bits; at least "
                        + minRsaBits + " are required");
            }
        } else {
            throw new CsrRefusedException(CertificateRefusal.KEY, "the csr's key type " + algorithm.getId()
                    + " is not accepted; accepted are " + String.join(", ", keyTypes));
        }
    }

    private void accept(String type) throws CsrRefusedException {
        if (!keyTypes.contains(type)) {
            throw new CsrRefusedException(CertificateRefusal.KEY, "the csr's key type " + type
                    + " is not accepted; accepted are " + String.join(", ", keyTypes));
        }
    }

    private String curveType(ASN1Encodable parameters) throws CsrRefusedException {
        if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
            throw new CsrRefusedException(CertificateRefusal.KEY,
                    "the csr's EC key spells out its curve parameters; use the named curve P-256 or P-384");
        }
        if (SECObjectIdentifiers.secp256r1.equals(curve)) {
            return CredentialPolicyConfig.EC_P256;
        }
        if (SECObjectIdentifiers.secp384r1.equals(curve)) {
            return CredentialPolicyConfig.EC_P384;
        }
        String name = ECNamedCurveTable.getName(curve);
        throw new CsrRefusedException(CertificateRefusal.KEY,
                "the csr's EC curve " + (name != null ? name : curve.getId())
                + " is not accepted; accepted are " + String.join(", ", keyTypes));
    }

    private static int rsaBits(SubjectPublicKeyInfo key) throws CsrRefusedException {
        try {
            return RSAPublicKey.getInstance(key.parsePublicKey()).getModulus().bitLength();
        } catch (IOException | RuntimeException e) {
            throw new CsrRefusedException(CertificateRefusal.KEY, "the csr's RSA key is malformed");
        }
    }
}
