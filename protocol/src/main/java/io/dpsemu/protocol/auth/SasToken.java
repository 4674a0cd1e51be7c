package io.dpsemu.protocol.auth;

import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.PercentEncoding;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A device SAS token, {@code [SharedAccessSignature ]sr=..&sig=..&se=..[&skn=..]}, as sent in the
 * MQTT password or the HTTP {@code Authorization} header (docs/protocol-notes.md#sas-tokens). The SDKs
 * disagree on field order, on how {@code sr} is encoded and on {@code skn}, so the raw {@code sr}
 * and {@code se} are kept: the signature is computed over them exactly as the device wrote them.
 *
 * @param resourceRaw {@code sr} exactly as in the token
 * @param resource {@code sr} percent-decoded
 * @param signature the decoded HMAC bytes of {@code sig}
 * @param expiryRaw {@code se} exactly as in the token
 * @param keyName {@code skn}, percent-decoded; null when absent, possibly empty
 */
public record SasToken(
        String resourceRaw,
        String resource,
        byte[] signature,
        String expiryRaw,
        long expiryEpochSeconds,
        String keyName) {

    private static final String PREFIX = "SharedAccessSignature ";
    /** Enough for any epoch second up to year 33658; keeps the value far from long overflow. */
    private static final int MAX_EXPIRY_DIGITS = 15;

    public SasToken {
        Objects.requireNonNull(resourceRaw, "resourceRaw");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(expiryRaw, "expiryRaw");
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** @throws DpsProtocolException saying which field is missing or malformed */
    public static SasToken parse(String value) {
        if (value == null || value.isBlank()) {
            throw new DpsProtocolException("SAS token is missing");
        }
        String fields = value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                ? value.substring(PREFIX.length()).strip()
                : value.strip();
        String sr = null;
        String sig = null;
        String se = null;
        String skn = null;
        for (String field : fields.split("&", -1)) {
            if (field.isEmpty()) {
                continue;
            }
            int eq = field.indexOf('=');
            if (eq < 0) {
                throw new DpsProtocolException("SAS token part " + Printable.quote(field)
                        + " is not a name=value field; expected sr=..&sig=..&se=..");
            }
            String name = field.substring(0, eq);
            String fieldValue = field.substring(eq + 1);
            switch (name) {
                case "sr" -> sr = once(name, sr, fieldValue);
                case "sig" -> sig = once(name, sig, fieldValue);
                case "se" -> se = once(name, se, fieldValue);
                case "skn" -> skn = once(name, skn, fieldValue);
                default -> {
                    // unknown fields carry no meaning for DPS
                }
            }
        }
        require("sr", sr);
        require("sig", sig);
        require("se", se);
        return new SasToken(sr, decode("sr", sr), signatureBytes(sig), se, expiry(se), keyName(skn));
    }

    private static String once(String name, String previous, String value) {
        if (previous != null) {
            throw new DpsProtocolException("SAS token has the field '" + name + "' more than once");
        }
        return value;
    }

    private static void require(String name, String value) {
        if (value == null) {
            throw new DpsProtocolException("SAS token has no '" + name + "' field; expected sr=..&sig=..&se=..");
        }
        if (value.isEmpty()) {
            throw new DpsProtocolException("SAS token field '" + name + "' is empty");
        }
    }

    private static String decode(String name, String value) {
        try {
            return PercentEncoding.decode(value);
        } catch (IllegalArgumentException e) {
            throw new DpsProtocolException("SAS token field '" + name + "' is not valid percent-encoding: "
                    + e.getMessage(), e);
        }
    }

    private static byte[] signatureBytes(String sig) {
        try {
            return Base64.getDecoder().decode(decode("sig", sig));
        } catch (IllegalArgumentException e) {
            throw new DpsProtocolException("SAS token field 'sig' is not base64 once percent-decoded", e);
        }
    }

    private static long expiry(String se) {
        boolean digits = se.length() <= MAX_EXPIRY_DIGITS;
        for (int i = 0; digits && i < se.length(); i++) {
            char c = se.charAt(i);
            digits = c >= '0' && c <= '9';
        }
        if (!digits) {
            throw new DpsProtocolException("SAS token field 'se' must be the expiry as whole seconds since "
                    + "1970-01-01T00:00:00Z, got " + Printable.quote(se));
        }
        return Long.parseLong(se);
    }

    private static String keyName(String skn) {
        if (skn == null) {
            return null;
        }
        try {
            return PercentEncoding.decode(skn);
        } catch (IllegalArgumentException e) {
            return skn;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SasToken t
                && expiryEpochSeconds == t.expiryEpochSeconds
                && resourceRaw.equals(t.resourceRaw)
                && resource.equals(t.resource)
                && Arrays.equals(signature, t.signature)
                && expiryRaw.equals(t.expiryRaw)
                && Objects.equals(keyName, t.keyName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(resourceRaw, resource, Arrays.hashCode(signature), expiryRaw, expiryEpochSeconds, keyName);
    }

    /** Leaves the signature out: tokens end up in logs. */
    @Override
    public String toString() {
        return "SasToken[resource=" + resource + ", expiryEpochSeconds=" + expiryEpochSeconds
                + ", keyName=" + keyName + "]";
    }
}
