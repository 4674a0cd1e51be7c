package io.dpsemu.protocol.auth;

import io.dpsemu.protocol.PercentEncoding;
import java.time.Instant;

/**
 * Creates device SAS tokens the way the C# and Python SDKs do (upper-case {@code %2F}), for tests, the CLI and docs.
 */
public final class SasTokens {

    private SasTokens() {
    }

    /**
     * @return base64 of HMAC-SHA256 over the UTF-8 {@code stringToSign}, keyed with the decoded key
     * @throws IllegalArgumentException when the key is not non-empty base64
     */
    public static String sign(String stringToSign, String base64Key) {
        return HmacSha256.base64(base64Key, stringToSign);
    }

    /**
     * The token a device sends as MQTT password or HTTP {@code Authorization}: for the resource
     * {@code {idScope}/registrations/{registrationId}}, with {@code skn=registration} as the SDKs add it.
     *
     * @param base64Key the device's key (for a group device, the key derived for its registration id)
     */
    public static String device(String idScope, String registrationId, String base64Key, Instant expiry) {
        return create(idScope + "/registrations/" + registrationId, base64Key, expiry, "registration");
    }

    /**
     * @param resource {@code {idScope}/registrations/{registrationId}}, not encoded
     * @param keyName the {@code skn} value, or null to leave the field out
     */
    public static String create(String resource, String base64Key, Instant expiry, String keyName) {
        String sr = PercentEncoding.encode(resource);
        String se = Long.toString(expiry.getEpochSecond());
        String token = "SharedAccessSignature sr=" + sr
                + "&sig=" + PercentEncoding.encode(sign(sr + "\n" + se, base64Key))
                + "&se=" + se;
        return keyName == null ? token : token + "&skn=" + PercentEncoding.encode(keyName);
    }
}
