package io.dpsemu.protocol.auth;

/**
 * Device keys of a symmetric-key enrollment group (docs/protocol-notes.md#group-keys). The group key itself never
 * attests a device: only the key derived from it for that registration id does.
 */
public final class DerivedKeys {

    private DerivedKeys() {
    }

    /**
     * @return base64 of HMAC-SHA256 over the UTF-8 registration id (exactly as the device has it),
     *     keyed with the decoded group key
     * @throws IllegalArgumentException when the group key is not non-empty base64
     */
    public static String deviceKey(String base64GroupKey, String registrationId) {
        return HmacSha256.base64(base64GroupKey, registrationId);
    }
}
