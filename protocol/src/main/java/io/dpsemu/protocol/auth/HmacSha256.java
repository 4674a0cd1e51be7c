package io.dpsemu.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256, the only MAC DPS uses (SAS signatures and group-derived device keys). */
final class HmacSha256 {

    private static final String ALGORITHM = "HmacSHA256";

    private HmacSha256() {
    }

    /** @throws IllegalArgumentException when {@code key} is empty */
    static byte[] mac(byte[] key, byte[] message) {
        try {
            // A Mac is not thread-safe; getInstance is cheap next to init with a fresh key.
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /**
     * @return base64 of the MAC over the UTF-8 {@code message}, keyed with the decoded key
     * @throws IllegalArgumentException when the key is not non-empty base64
     */
    static String base64(String base64Key, String message) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key is not base64", e);
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("key is empty");
        }
        return Base64.getEncoder().encodeToString(mac(key, message.getBytes(StandardCharsets.UTF_8)));
    }
}
