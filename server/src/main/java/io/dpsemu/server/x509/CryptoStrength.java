package io.dpsemu.server.x509;

import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * Refuses certificates signed with broken digests or holding short keys. The JDK's PKIX defaults
 * still accept SHA-1 and 1024-bit RSA under a non-JDK anchor; a device certificate should not.
 */
public final class CryptoStrength {

    static final int MIN_RSA_BITS = 2048;
    static final int MIN_EC_BITS = 256;

    private CryptoStrength() {
    }

    /** Why the certificate is too weak, or null. */
    public static String weakness(X509Certificate certificate) {
        if (isBrokenDigest(certificate.getSigAlgName())) {
            return "the certificate " + CertificateFacts.describe(certificate) + " is signed with "
                    + certificate.getSigAlgName() + ", a broken digest";
        }
        if (certificate.getPublicKey() instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            return "the certificate " + CertificateFacts.describe(certificate) + " has a "
                    + rsa.getModulus().bitLength()
                    + "-bit RSA key; at least " + MIN_RSA_BITS + " bits are required";
        }
        if (certificate.getPublicKey() instanceof ECPublicKey ec
                && ec.getParams().getOrder().bitLength() < MIN_EC_BITS) {
            return "the certificate " + CertificateFacts.describe(certificate) + " has a "
                    + ec.getParams().getOrder().bitLength() + "-bit EC key; at least " + MIN_EC_BITS
                    + " bits are required";
        }
        return null;
    }

    /**
     * Whether a signature algorithm name hashes with MD2, MD5 or SHA-1: the JDK's SHA1withRSA, BouncyCastle's
     * ECDSAWITHSHA1.
     */
    public static boolean isBrokenDigest(String signatureAlgorithm) {
        String algorithm = signatureAlgorithm.toUpperCase(Locale.ROOT);
        return algorithm.contains("MD2") || algorithm.contains("MD5") || algorithm.startsWith("SHA1")
                || algorithm.contains("SHA1WITH") || algorithm.endsWith("WITHSHA1");
    }
}
