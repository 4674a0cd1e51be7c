package io.dpsemu.server.rawhttp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * RFC 6455 frames built and parsed byte by byte. Client frames are masked (as a client must) unless
 * a test asks for an unmasked one; server frames are parsed whether masked or not, and the mask bit
 * is reported so a test can insist that the server never masks.
 */
public final class WebSocketFrames {

    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    /** The GUID of RFC 6455 §1.3 that the server appends to the key before hashing. */
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebSocketFrames() {
    }

    /** A fresh {@code Sec-WebSocket-Key}: 16 random bytes, base64. */
    public static String newKey() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** The {@code Sec-WebSocket-Accept} a server must answer to this key. */
    public static String expectedAccept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] binary(byte[] payload) {
        return masked(true, BINARY, payload);
    }

    /** A binary frame that starts a fragmented message when {@code fin} is false. */
    public static byte[] binary(boolean fin, byte[] payload) {
        return masked(fin, BINARY, payload);
    }

    public static byte[] continuation(boolean fin, byte[] payload) {
        return masked(fin, CONTINUATION, payload);
    }

    public static byte[] text(String text) {
        return masked(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] ping(byte[] payload) {
        return masked(true, PING, payload);
    }

    public static byte[] close(int code) {
        return masked(true, CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});
    }

    /** A client frame with a fresh random masking key. */
    public static byte[] masked(boolean fin, int opcode, byte[] payload) {
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        return frame(fin, opcode, payload, mask);
    }

    /** A frame without a masking key: a protocol violation when a client sends it. */
    public static byte[] unmasked(boolean fin, int opcode, byte[] payload) {
        return frame(fin, opcode, payload, null);
    }

    private static byte[] frame(boolean fin, int opcode, byte[] payload, byte[] mask) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode & 0x0F);
        int maskBit = mask != null ? 0x80 : 0;
        int length = payload.length;
        if (length < 126) {
            out.write(maskBit | length);
        } else if (length < 65536) {
            out.write(maskBit | 126);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >>> shift));
            }
        }
        if (mask == null) {
            out.writeBytes(payload);
        } else {
            out.writeBytes(mask);
            for (int i = 0; i < length; i++) {
                out.write(payload[i] ^ mask[i % 4]);
            }
        }
        return out.toByteArray();
    }

    /** Where {@link #read} takes its bytes from: exactly {@code n} bytes, or an exception. */
    @FunctionalInterface
    public interface ByteSource {
        byte[] take(int n) throws IOException;
    }

    /** Reads one frame, unmasking it if it was masked. */
    public static Frame read(ByteSource source) throws IOException {
        byte[] head = source.take(2);
        boolean fin = (head[0] & 0x80) != 0;
        int reserved = head[0] >>> 4 & 0x07;
        int opcode = head[0] & 0x0F;
        boolean masked = (head[1] & 0x80) != 0;
        long length = head[1] & 0x7F;
        if (length == 126) {
            byte[] ext = source.take(2);
            length = (ext[0] & 0xFFL) << 8 | ext[1] & 0xFFL;
        } else if (length == 127) {
            byte[] ext = source.take(8);
            length = 0;
            for (byte b : ext) {
                length = length << 8 | b & 0xFFL;
            }
        }
        if (length > 16 * 1024 * 1024) {
            throw new AssertionError("the server sent a frame of " + length + " bytes");
        }
        byte[] mask = masked ? source.take(4) : null;
        byte[] payload = source.take((int) length);
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
        }
        return new Frame(fin, reserved, opcode, masked, payload);
    }

    /**
     * One frame as received.
     *
     * @param reserved the RSV1-3 bits (non-zero only when an extension such as compression is on)
     */
    public record Frame(boolean fin, int reserved, int opcode, boolean masked, byte[] payload) {

        /** The status code of a close frame, or -1 when it carries none. */
        public int closeCode() {
            if (opcode != CLOSE) {
                throw new AssertionError("not a close frame: " + this);
            }
            return payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : -1;
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Frame[opcode=" + opcode + " fin=" + fin + " rsv=" + reserved + " masked=" + masked + " length="
                    + payload.length + "]";
        }
    }
}
