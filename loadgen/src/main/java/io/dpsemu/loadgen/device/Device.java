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
 * @param csr base64 DER PKCS#10 request sent with the register request for a certificate to be issued, or null
 *     to ask for none
 */
public record Device(String registrationId, String symmetricKey, PrivateKey privateKey,
        X509Certificate[] certificateChain, String csr) {

    /** Tokens outlive any flow by far; the SDKs use one hour to one day. */
    private static final long TOKEN_LIFETIME_SECONDS = 3_600;

    public Device {
        Objects.requireNonNull(registrationId, "registrationId");
        if ((symmetricKey == null) == (certificateChain == null)) {
            throw new IllegalArgumentException("a device has a symmetric key or a certificate, not both or neither");
        }
    }

    /** A device that asks for no certificate. */
    public Device(String registrationId, String symmetricKey, PrivateKey privateKey,
            X509Certificate[] certificateChain) {
        this(registrationId, symmetricKey, privateKey, certificateChain, null);
    }

    public static Device withKey(String registrationId, String symmetricKey) {
        return new Device(registrationId, symmetricKey, null, null);
    }

    /** The same device, sending this CSR (base64 DER) with its register request. */
    public Device withCsr(String csrBase64) {
        return new Device(registrationId, symmetricKey, privateKey, certificateChain, csrBase64);
    }

    public boolean requestsCertificate() {
        return csr != null;
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
