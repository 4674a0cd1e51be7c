package io.dpsemu.server.tls;

/** The key algorithms dpsemu generates for certificates. */
public enum KeyType {

    /** ECDSA on NIST P-256 (secp256r1): what Azure's samples and most device stacks use. */
    EC("EC P-256"),
    /** RSA with a 2048-bit modulus, for device stacks without ECDSA. */
    RSA("RSA 2048");

    private final String description;

    KeyType(String description) {
        this.description = description;
    }

    /** "EC P-256" or "RSA 2048". */
    public String description() {
        return description;
    }
}
