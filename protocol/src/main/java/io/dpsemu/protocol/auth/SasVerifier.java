package io.dpsemu.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Verifies a device SAS token against the keys of its enrollment (docs/protocol-notes.md#sas-tokens). The
 * signature is checked over {@code sr} and {@code se} exactly as the device wrote them, since the
 * SDKs encode {@code sr} four different ways. Thread-safe.
 */
public final class SasVerifier {

    private final long clockSkewSeconds;
    private final Clock clock;

    /** @param clockSkew how long after {@code se} a token is still accepted; not negative */
    public SasVerifier(Duration clockSkew, Clock clock) {
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clockSkew must not be negative, got " + clockSkew);
        }
        this.clockSkewSeconds = clockSkew.getSeconds();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Checks, in this order, the resource (case-insensitively), the signature (against each key in
     * turn; null, blank or non-base64 keys are skipped) and the expiry.
     *
     * @param expectedResource {@code {idScope}/registrations/{registrationId}}, not encoded
     * @param base64Keys the candidate device keys, typically primary then secondary
     */
    public SasCheck verify(SasToken token, String expectedResource, List<String> base64Keys) {
        if (!token.resource().equalsIgnoreCase(expectedResource)) {
            return SasCheck.RESOURCE_MISMATCH;
        }
        if (!signedByAny(token, base64Keys)) {
            return SasCheck.SIGNATURE_MISMATCH;
        }
        long now = clock.instant().getEpochSecond();
        return token.expiryEpochSeconds() < now - clockSkewSeconds ? SasCheck.EXPIRED : SasCheck.VALID;
    }

    /**
     * Whether the token's {@code se} lies at most {@code maxLifetime} ahead of now, with the same clock
     * skew allowance as the expiry (a signer whose clock runs ahead is not refused for it).
     */
    public boolean expiresWithin(SasToken token, Duration maxLifetime) {
        long now = clock.instant().getEpochSecond();
        return token.expiryEpochSeconds() - now <= maxLifetime.getSeconds() + clockSkewSeconds;
    }

    private static boolean signedByAny(SasToken token, List<String> base64Keys) {
        byte[] stringToSign = (token.resourceRaw() + "\n" + token.expiryRaw()).getBytes(StandardCharsets.UTF_8);
        byte[] signature = token.signature();
        for (String base64Key : base64Keys) {
            byte[] key = decodeKey(base64Key);
            if (key.length > 0 && MessageDigest.isEqual(HmacSha256.mac(key, stringToSign), signature)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] decodeKey(String base64Key) {
        if (base64Key == null || base64Key.isBlank()) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }
}
