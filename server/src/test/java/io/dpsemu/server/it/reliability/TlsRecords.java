package io.dpsemu.server.it.reliability;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;

/**
 * TLS records built byte by byte, for inputs a TLS library would refuse to send: ClientHellos
 * offering only old protocol versions or broken cipher suites, and records that lie about their length.
 */
final class TlsRecords {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int HANDSHAKE = 0x16;
    private static final int CLIENT_HELLO = 0x01;

    private TlsRecords() {
    }

    /**
     * A ClientHello record with no extensions (so no supported_versions: {@code version} is all it offers).
     *
     * @param version      the legacy version, e.g. {@code 0x0301} for TLS 1.0
     * @param cipherSuites the suites offered, e.g. {@code 0x0004} (RC4-MD5)
     */
    static byte[] clientHello(int version, int... cipherSuites) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, version);
        body.writeBytes(random(32));
        body.write(0); // no session id
        u16(body, cipherSuites.length * 2);
        for (int suite : cipherSuites) {
            u16(body, suite);
        }
        body.write(1); // one compression method:
        body.write(0); // null
        byte[] hello = body.toByteArray();
        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        handshake.write(CLIENT_HELLO);
        u24(handshake, hello.length);
        handshake.writeBytes(hello);
        return record(HANDSHAKE, 0x0301, handshake.toByteArray());
    }

    /** A handshake record whose header declares {@code declaredLength} bytes, then {@code sent} bytes of junk. */
    static byte[] handshakeRecordDeclaring(int declaredLength, int sent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(HANDSHAKE);
        u16(out, 0x0301);
        u16(out, declaredLength);
        out.writeBytes(random(sent));
        return out.toByteArray();
    }

    /** A ClientHello handshake message whose body is random bytes. */
    static byte[] clientHelloOfJunk(int length) {
        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        handshake.write(CLIENT_HELLO);
        u24(handshake, length);
        handshake.writeBytes(random(length));
        return record(HANDSHAKE, 0x0301, handshake.toByteArray());
    }

    /** The first {@code length} bytes of a well-formed TLS 1.2 ClientHello. */
    static byte[] truncatedClientHello(int length) {
        byte[] hello = clientHello(0x0303, 0xC02F, 0xC030);
        byte[] cut = new byte[Math.min(length, hello.length - 1)];
        System.arraycopy(hello, 0, cut, 0, cut.length);
        return cut;
    }

    /** A fatal alert record (e.g. 40, handshake_failure) sent before any handshake. */
    static byte[] alert(int description) {
        return record(0x15, 0x0303, new byte[] {2, (byte) description});
    }

    static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] record(int type, int version, byte[] fragment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        u16(out, version);
        u16(out, fragment.length);
        out.writeBytes(fragment);
        return out.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8 & 0xFF);
        out.write(value & 0xFF);
    }

    private static void u24(ByteArrayOutputStream out, int value) {
        out.write(value >>> 16 & 0xFF);
        u16(out, value & 0xFFFF);
    }
}
