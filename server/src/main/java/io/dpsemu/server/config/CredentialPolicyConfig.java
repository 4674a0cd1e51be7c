package io.dpsemu.server.config;

import java.util.List;

/**
 * One credential policy: the CA that signs the certificates devices request, and what it signs. A key
 * left out of the file takes its default here.
 *
 * @param name               what enrollments name in {@code credentialPolicyName}
 * @param certificate        PEM file: the issuing CA first, then its chain up to and including the root;
 *                           null only for {@code local}
 * @param key                PEM file with the issuing CA's private key, readable by its owner only
 * @param validityDays       how long an issued certificate is valid (never beyond its issuer)
 * @param keyTypes           device keys accepted: {@code ec-p256}, {@code ec-p384}, {@code rsa}
 * @param minRsaBits         the shortest RSA modulus accepted
 * @param signatureAlgorithm how issued certificates are signed; null = SHA-256 with the CA key's type
 */
public record CredentialPolicyConfig(String name, String certificate, String key, Integer validityDays,
                                     List<String> keyTypes, Integer minRsaBits, String signatureAlgorithm) {

    public static final String EC_P256 = "ec-p256";
    public static final String EC_P384 = "ec-p384";
    public static final String RSA = "rsa";
    static final List<String> KEY_TYPES = List.of(EC_P256, EC_P384, RSA);
    /** The JCA names the policies may sign with; the CA key decides between ECDSA and RSA. */
    static final List<String> SIGNATURE_ALGORITHMS = List.of("SHA256withECDSA", "SHA384withECDSA",
            "SHA512withECDSA", "SHA256withRSA", "SHA384withRSA", "SHA512withRSA");
    public static final int DEFAULT_VALIDITY_DAYS = 30;
    public static final int MIN_RSA_BITS = 2048;

    public CredentialPolicyConfig {
        validityDays = validityDays == null ? DEFAULT_VALIDITY_DAYS : validityDays;
        keyTypes = keyTypes == null ? KEY_TYPES : keyTypes;
        minRsaBits = minRsaBits == null ? MIN_RSA_BITS : minRsaBits;
    }

    /** A policy with every default: a plant CA from the two files, or {@code local} with both null. */
    public static CredentialPolicyConfig of(String name, String certificate, String key) {
        return new CredentialPolicyConfig(name, certificate, key, null, null, null, null);
    }

    /** Whether this entry brings its own CA (else it tunes the built-in {@code local} policy). */
    public boolean hasCa() {
        return certificate != null || key != null;
    }
}
