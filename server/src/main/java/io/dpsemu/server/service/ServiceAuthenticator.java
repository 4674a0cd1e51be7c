package io.dpsemu.server.service;

import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.LogSafe;
import io.dpsemu.protocol.auth.SasCheck;
import io.dpsemu.protocol.auth.SasToken;
import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.protocol.model.DpsError;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.config.ServiceApiConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Checks the {@code Authorization: SharedAccessSignature ...} of a service request: the token names a
 * policy ({@code skn}), is signed by one of its keys over {@code sr} as sent, names this service
 * ({@code service.hostName} or one of {@code service.hostAliases}, case-insensitively; the request's
 * Host plays no part), has not expired, does not stay valid for longer than
 * {@code service.maxTokenLifetimeSeconds}, and the policy grants the right the operation needs.
 */
public final class ServiceAuthenticator {

    private static final int MAX_QUOTED = 80;

    private final ServicePolicies policies;
    private final SasVerifier verifier;
    private final String hostName;
    private final List<String> acceptedHostNames;
    private final Duration maxLifetime;

    public ServiceAuthenticator(ServicePolicies policies, SasVerifier verifier, ServiceApiConfig config) {
        this.policies = policies;
        this.verifier = verifier;
        this.hostName = config.hostName();
        this.acceptedHostNames = config.acceptedHostNames();
        this.maxLifetime = Duration.ofSeconds(config.maxTokenLifetimeSeconds());
    }

    /**
     * The caller's policy, or the refusal: 401 for bad credentials, 403 when the policy lacks
     * {@code right}.
     */
    public Caller check(String authorization, String right) {
        if (authorization == null || authorization.isBlank()) {
            return refuse("no Authorization header: send 'SharedAccessSignature sr=...&sig=...&se=...&skn=...'");
        }
        SasToken token;
        try {
            token = SasToken.parse(authorization.trim());
        } catch (DpsProtocolException e) {
            return refuse("malformed SAS token: " + e.getMessage());
        }
        Optional<ServicePolicy> found = policies.find(token.keyName());
        if (found.isEmpty()) {
            return refuse("the SAS token names no known shared access policy (skn="
                    + quote(String.valueOf(token.keyName())) + ")");
        }
        ServicePolicy policy = found.get();
        String expected = acceptedHostNames.stream().filter(name -> name.equalsIgnoreCase(token.resource()))
                .findFirst().orElse(hostName);
        SasCheck check = verifier.verify(token, expected, policy.keys());
        switch (check) {
            case VALID:
                break;
            case RESOURCE_MISMATCH:
                return refuse("the SAS token is for sr=" + quote(token.resource()) + ", not this service: sign sr="
                        + hostName + " (service.hostName)" + (acceptedHostNames.size() > 1
                        ? " or one of " + acceptedHostNames.subList(1, acceptedHostNames.size())
                        + " (service.hostAliases)" : ""));
            case SIGNATURE_MISMATCH:
                return refuse("the SAS token's signature matches neither key of policy '" + policy.name() + "'");
            case EXPIRED:
                return refuse("the SAS token expired at " + Instant.ofEpochSecond(token.expiryEpochSeconds()));
            default:
                throw new IllegalStateException("unknown SAS check " + check);
        }
        if (!verifier.expiresWithin(token, maxLifetime)) {
            return refuse("the SAS token is valid until " + Instant.ofEpochSecond(token.expiryEpochSeconds())
                    + ", longer than this service accepts (service.maxTokenLifetimeSeconds = "
                    + maxLifetime.getSeconds() + " s from now): sign one that expires sooner");
        }
        if (!policy.rights().contains(right)) {
            return new Caller(policy, DpsError.of(ErrorCodes.FORBIDDEN, "policy '" + policy.name()
                    + "' lacks the " + right + " right"));
        }
        return new Caller(policy, null);
    }

    private static String quote(String value) {
        return "'" + LogSafe.escape(value, MAX_QUOTED) + "'";
    }

    private static Caller refuse(String message) {
        return new Caller(null, DpsError.of(ErrorCodes.INVALID_CREDENTIALS, message));
    }

    /**
     * Who is calling.
     *
     * @param policy  the policy whose key signed the token; null when the token is not valid
     * @param refusal why the request is refused; null when it is allowed
     */
    public record Caller(ServicePolicy policy, DpsError refusal) {

        public boolean allowed() {
            return refusal == null;
        }

        /** Whether the caller's policy grants {@code right} (whatever the operation at hand needs). */
        public boolean may(String right) {
            return policy != null && policy.rights().contains(right);
        }
    }
}
