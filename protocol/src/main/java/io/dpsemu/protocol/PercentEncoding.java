package io.dpsemu.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Plain RFC 3986 percent-encoding over UTF-8. Decoding is not form decoding: {@code +} stays
 * {@code +}, because SAS signatures are base64 and the SDKs encode {@code +} as {@code %2B} (or not
 * at all).
 */
public final class PercentEncoding {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PercentEncoding() {
    }

    /**
     * Decodes every {@code %XX} (either hex case) and returns the UTF-8 text.
     *
     * @throws IllegalArgumentException on a {@code %} not followed by two hex digits, or when the
     *     decoded bytes are not valid UTF-8
     */
    public static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        // '%' never occurs inside a multi-byte UTF-8 sequence, so raw non-ASCII text survives this.
        byte[] in = value.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '%') {
                int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
                int lo = hi >= 0 ? Character.digit(in[i + 2], 16) : -1;
                if (lo < 0) {
                    throw new IllegalArgumentException("'%' at index " + i + " is not followed by two hex digits");
                }
                b = (byte) (hi << 4 | lo);
                i += 2;
            }
            out[n++] = b;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out, 0, n))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the percent-decoded bytes are not valid UTF-8", e);
        }
    }

    /** Encodes everything but the RFC 3986 unreserved characters, with upper-case hex. */
    public static String encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            if (isUnreserved(b)) {
                sb.append((char) b);
            } else {
                sb.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
        }
        return sb.toString();
    }

    private static boolean isUnreserved(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || b == '-' || b == '.' || b == '_' || b == '~';
    }
}
