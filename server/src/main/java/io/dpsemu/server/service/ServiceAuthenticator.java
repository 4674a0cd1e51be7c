package io.dpsemu.server.service;

import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.auth.SasCheck;
import io.dpsemu.protocol.auth.SasToken;
import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.protocol.model.DpsError;
import io.dpsemu.protocol.model.ErrorCodes;
import java.util.Optional;

/**
 * Checks the {@code Authorization: SharedAccessSignature ...} of a service request: the token names a
 * policy ({@code skn}), is signed by one of its keys over {@code sr} as sent, names this service's host
 * (the configured host name or the request's Host, case-insensitively), has not expired, and the
 * policy grants the right the operation needs.
 */
public final class ServiceAuthenticator {

    private final ServicePolicies policies;
    private final SasVerifier verifier;
    private final String hostName;

    public ServiceAuthenticator(ServicePolicies policies, SasVerifier verifier, String hostName) {
        this.policies = policies;
        this.verifier = verifier;
        this.hostName = hostName;
    }

    /** Empty when allowed; otherwise the refusal (401 for bad credentials, 403 for a missing right). */
    public Optional<DpsError> check(String authorization, String hostHeader, String right) {
        if (authorization == null || authorization.isBlank()) {
            return refuse("no Authorization header: send 'SharedAccessSignature sr=...&sig=...&se=...&skn=...'");
        }
        SasToken token;
        try {
            token = SasToken.parse(authorization.trim());
        } catch (DpsProtocolException e) {
            return refuse("malformed SAS token: " + e.getMessage());
        }
        Optional<ServicePolicy> policy = policies.find(token.keyName());
        if (policy.isEmpty()) {
            return refuse("the SAS token names no known shared access policy (skn='" + token.keyName() + "')");
        }
        String expected = token.resource().equalsIgnoreCase(host(hostHeader)) ? token.resource() : hostName;
        SasCheck check = verifier.verify(token, expected, policy.get().keys());
        switch (check) {
            case VALID:
                break;
            case RESOURCE_MISMATCH:
                return refuse("the SAS token is for '" + token.resource() + "', not this service ('" + hostName + "')");
            case SIGNATURE_MISMATCH:
                return refuse("the SAS token's signature matches neither key of policy '" + policy.get().name() + "'");
            case EXPIRED:
                return refuse("the SAS token expired");
            default:
                throw new IllegalStateException("unknown SAS check " + check);
        }
        if (!policy.get().rights().contains(right)) {
            return Optional.of(DpsError.of(ErrorCodes.FORBIDDEN, "policy '" + policy.get().name()
                    + "' lacks the " + right + " right"));
        }
        return Optional.empty();
    }

    private static String host(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        int colon = hostHeader.lastIndexOf(':');
        return colon > 0 && hostHeader.indexOf(']') < colon ? hostHeader.substring(0, colon) : hostHeader;
    }

    private static Optional<DpsError> refuse(String message) {
        return Optional.of(DpsError.of(ErrorCodes.INVALID_CREDENTIALS, message));
    }
}
