package io.dpsemu.server.config;

import java.util.List;

/**
 * Certificate issuance at provisioning: a device that sends a certificate signing request gets a
 * certificate from a named credential policy (the {@code credentialPolicyName} of its enrollment, else
 * {@code defaultPolicy}).
 *
 * @param defaultPolicy  the policy for enrollments that name none; {@code ""} = their devices get no
 *                       certificate
 * @param maxChainLength the longest chain returned, leaf and root included; a policy whose chain is longer
 *                       stops start-up
 * @param supersededKept how many replaced certificates a registration record lists
 * @param maxCsrBytes    the longest CSR accepted, in characters of base64
 * @param policies       plant CAs (and tuning of the built-in {@code local} policy)
 */
public record IssuanceConfig(String defaultPolicy, int maxChainLength, int supersededKept, int maxCsrBytes,
                             List<CredentialPolicyConfig> policies) {

    /** The built-in policy: the local CA of {@code <dataDir>/tls}. */
    public static final String LOCAL_POLICY = "local";
    /** Embedded C keeps the chain in a fixed array of this many entries and does not bound-check it. */
    public static final int EMBEDDED_C_CHAIN_ENTRIES = 3;

    public static IssuanceConfig defaults() {
        return new IssuanceConfig(LOCAL_POLICY, EMBEDDED_C_CHAIN_ENTRIES, 10, 8192, List.of());
    }

    /** Whether devices of enrollments naming no policy get certificates: not when defaultPolicy is "". */
    public boolean hasDefaultPolicy() {
        return defaultPolicy != null && !defaultPolicy.isEmpty();
    }
}
