package io.dpsemu.server.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** A JDK TLS client that trusts only the given CA file and talks to {@link TlsTestServer}. */
final class TlsTestClient {

    private static final int TIMEOUT_MILLIS = 5_000;

    private final SSLContext context;

    private TlsTestClient(SSLContext context) {
        this.context = context;
    }

    static TlsTestClient trusting(Path caPem) {
        return trusting(caPem, null);
    }

    static TlsTestClient trusting(Path caPem, KeyManager keyManager) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", Pem.readCertificates(caPem).get(0));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManager == null ? null : new KeyManager[] {keyManager}, trust.getTrustManagers(), null);
            return new TlsTestClient(context);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Consumer<SSLParameters> protocols(String... protocols) {
        return parameters -> parameters.setProtocols(protocols);
    }

    /**
     * Connects to the loopback port and completes a handshake and an echo round trip. {@code host} is
     * what the client believes it connects to: it drives SNI (none for an IP literal) and host name checks.
     */
    SSLSession handshake(String host, int port, Consumer<SSLParameters> customisation) throws IOException {
        try (Socket plain = connect(port);
             SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
            SSLParameters parameters = socket.getSSLParameters();
            customisation.accept(parameters);
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            // TLS 1.3 clients finish before the server has checked their Finished: the echo proves it accepted.
            socket.getOutputStream().write(42);
            socket.getOutputStream().flush();
            int echo = socket.getInputStream().read();
            if (echo != 42) {
                throw new IOException("no echo from the server (read " + echo + ")");
            }
            return socket.getSession();
        }
    }

    /** Sends raw bytes and returns the first byte of the answer, or -1 if the server closed without one. */
    static int firstByteOfAnswer(int port, byte[] request) throws IOException {
        try (Socket socket = connect(port)) {
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            return in.read();
        } catch (SocketException reset) {
            return -1;
        }
    }

    /**
     * A minimal ClientHello as a client that knows no newer TLS version would send it: no supported_versions
     * extension, so {@code minorVersion} (2 = TLS 1.1, 3 = TLS 1.2) is all it offers.
     */
    static byte[] clientHello(int minorVersion, List<Integer> cipherSuites) {
        Bytes body = new Bytes()
                .u8(3).u8(minorVersion)
                .raw(new byte[32])
                .u8(0)
                .u16(cipherSuites.size() * 2);
        cipherSuites.forEach(body::u16);
        body.u8(1).u8(0);
        Bytes extensions = new Bytes()
                .u16(0x000a).u16(4).u16(2).u16(0x0017)
                .u16(0x000b).u16(2).u8(1).u8(0)
                .u16(0x000d).u16(4).u16(2).u16(0x0403);
        body.u16(extensions.size()).raw(extensions.toArray());
        Bytes handshake = new Bytes().u8(1).u24(body.size()).raw(body.toArray());
        return new Bytes().u8(0x16).u8(3).u8(1).u16(handshake.size()).raw(handshake.toArray()).toArray();
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        return socket;
    }

    private static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int value) {
            out.write(value);
            return this;
        }

        Bytes u16(int value) {
            return u8(value >>> 8).u8(value & 0xff);
        }

        Bytes u24(int value) {
            return u8(value >>> 16).u16(value & 0xffff);
        }

        Bytes raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] toArray() {
            return out.toByteArray();
        }
    }
}
