package io.dpsemu.protocol.auth;

import java.util.Base64;
import java.util.Optional;

/** The one rule for a symmetric key DPS accepts: base64 of 16 to 64 bytes. */
public final class SymmetricKeys {

    public static final int MIN_BYTES = 16;
    public static final int MAX_BYTES = 64;

    private SymmetricKeys() {
    }

    /** Empty when the key is acceptable, else what is wrong ("is not base64", "must decode to ..."). */
    public static Optional<String> problem(String base64) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return Optional.of("is not base64");
        }
        if (decoded.length < MIN_BYTES || decoded.length > MAX_BYTES) {
            return Optional.of("must decode to " + MIN_BYTES + "-" + MAX_BYTES + " bytes, not " + decoded.length);
        }
        return Optional.empty();
    }
}
