package io.dpsemu.server.rawmqtt;

import io.dpsemu.protocol.auth.SasTokens;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * A symmetric-key device as the C# SDK presents itself: username
 * {@code {idScope}/registrations/{id}/api-version=2019-03-31} and a SAS token with upper-case
 * {@code %2F} in {@code sr} and {@code skn=registration}.
 */
public record RawMqttDevice(String idScope, String registrationId, String key) {

    public static final String API_VERSION = "2019-03-31";

    public String username() {
        return idScope + "/registrations/" + registrationId + "/api-version=" + API_VERSION;
    }

    public String sasToken() {
        return sasToken(key, Instant.now().plus(Duration.ofHours(1)));
    }

    public String sasToken(String signingKey, Instant expiry) {
        return SasTokens.create(idScope + "/registrations/" + registrationId, signingKey, expiry, "registration");
    }

    /** A random 256-bit symmetric key, base64. */
    public static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** CONNECT with client id, username and token all consistent. */
    public RawMqttPackets.Connect connect() {
        return RawMqttPackets.connect(registrationId).username(username()).password(sasToken());
    }
}
