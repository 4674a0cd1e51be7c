package io.dpsemu.protocol.auth;

/** The outcome of {@link SasVerifier#verify}: the first check that failed, or {@link #VALID}. */
public enum SasCheck {
    VALID,
    /** {@code sr} names another resource than {@code {idScope}/registrations/{registrationId}}. */
    RESOURCE_MISMATCH,
    /** No candidate key produces the token's signature. */
    SIGNATURE_MISMATCH,
    /** {@code se} plus the allowed clock skew lies in the past. */
    EXPIRED
}
