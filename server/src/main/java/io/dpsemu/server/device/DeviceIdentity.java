package io.dpsemu.server.device;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;

/**
 * Who a request claims to come from: the id scope and registration id from the MQTT username (or
 * the HTTPS path) and the credentials the device presented. Nothing here has been verified yet,
 * except that the TLS handshake proved possession of the client certificate's key.
 *
 * @param sasToken         the SAS token (MQTT password or HTTP Authorization), or null when none was sent
 * @param certificateChain the client certificate chain from TLS, leaf first; empty when none was sent
 */
public record DeviceIdentity(String idScope, String registrationId, String sasToken,
        List<X509Certificate> certificateChain) {

    public DeviceIdentity {
        certificateChain = certificateChain == null ? List.of() : List.copyOf(certificateChain);
    }

    /** A device that presented a SAS token (or nothing) and no certificate. */
    public DeviceIdentity(String idScope, String registrationId, String sasToken) {
        this(idScope, registrationId, sasToken, List.of());
    }

    /**
     * A device that sent {@code sasToken}, or else the certificate chain of its TLS session. The chain
     * is read only for a device without a token: a device that sends one is judged by it alone, and
     * asking a TLS session without client certificates for them throws (an exception per connection).
     */
    public static DeviceIdentity of(String idScope, String registrationId, String sasToken,
            Supplier<List<X509Certificate>> certificateChain) {
        boolean token = sasToken != null && !sasToken.isEmpty();
        return new DeviceIdentity(idScope, registrationId, sasToken, token ? List.of() : certificateChain.get());
    }

    /** The SAS resource a token for this device must name. */
    public String sasResource() {
        return idScope + "/registrations/" + registrationId;
    }

    /** X.509 devices send no password; a device that sends one is judged by it. */
    public boolean attestsWithCertificate() {
        return (sasToken == null || sasToken.isEmpty()) && !certificateChain.isEmpty();
    }
}
