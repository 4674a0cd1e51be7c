package io.dpsemu.loadgen.device;

import io.dpsemu.protocol.auth.SasTokens;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * One simulated device: its registration id and either a symmetric key (SAS) or a certificate.
 *
 * @param symmetricKey base64 device key, or null for an X.509 device
 * @param privateKey the certificate's key, or null for a symmetric-key device
 * @param certificateChain leaf first, then the issuers to send in the TLS handshake; null for a
 *     symmetric-key device
 */
public record Device(String registrationId, String symmetricKey, PrivateKey privateKey,
        X509Certificate[] certificateChain) {

    /** Tokens outlive any flow by far; the SDKs use one hour to one day. */
    private static final long TOKEN_LIFETIME_SECONDS = 3_600;

    public Device {
        Objects.requireNonNull(registrationId, "registrationId");
        if ((symmetricKey == null) == (certificateChain == null)) {
            throw new IllegalArgumentException("a device has a symmetric key or a certificate, not both or neither");
        }
    }

    public static Device withKey(String registrationId, String symmetricKey) {
        return new Device(registrationId, symmetricKey, null, null);
    }

    public boolean usesCertificate() {
        return certificateChain != null;
    }

    /**
     * The SAS token a device sends as MQTT password or HTTP {@code Authorization}, or null for an
     * X.509 device (which sends none).
     */
    public String sasToken(String idScope, Instant now) {
        if (symmetricKey == null) {
            return null;
        }
        return SasTokens.device(idScope, registrationId, symmetricKey, now.plusSeconds(TOKEN_LIFETIME_SECONDS));
    }
}
