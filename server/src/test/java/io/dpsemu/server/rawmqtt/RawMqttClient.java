package io.dpsemu.server.rawmqtt;

import io.netty.handler.codec.mqtt.MqttMessageType;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A byte-level MQTT client over TLS 1.2 (JDK {@link SSLSocket}, trusting only the server's CA file):
 * writes packets built by {@link RawMqttPackets} as they are, reads the server's packets with a
 * timeout, and notices when the server closes the connection.
 */
public final class RawMqttClient implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final SSLSocket socket;
    private final InputStream in;
    private final RawMqttReply.Decoder decoder = new RawMqttReply.Decoder();
    private final Deque<RawMqttReply> received = new ArrayDeque<>();
    private boolean closedByServer;

    private RawMqttClient(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Connects to {@code localhost:port} and completes a TLS 1.2 handshake, checking the host name. */
    public static RawMqttClient connect(int port, Path caPem) throws IOException {
        return connect(port, caPem, null);
    }

    /**
     * A device session ready to register: connected as {@code device} (CONNACK 0 required) and
     * subscribed to the response topic at QoS 0.
     */
    public static RawMqttClient session(int port, Path caPem, RawMqttDevice device) throws IOException {
        RawMqttClient client = connect(port, caPem);
        client.send(device.connect().bytes());
        RawMqttReply connAck = client.next(MqttMessageType.CONNACK);
        if (connAck.returnCode() != 0) {
            client.close();
            throw new AssertionError("CONNECT of " + device.registrationId() + " refused: " + connAck);
        }
        client.send(RawMqttPackets.subscribeResponses(1, 0));
        client.next(MqttMessageType.SUBACK);
        return client;
    }

    /** As {@link #connect(int, Path)}, presenting the key managers' client certificate in the handshake. */
    public static RawMqttClient connect(int port, Path caPem, KeyManager[] clientCertificate) throws IOException {
        return handshake((SSLSocket) trusting(caPem, clientCertificate).getSocketFactory()
                .createSocket("localhost", port));
    }

    /**
     * As {@link #connect(int, Path)}, from another local address: on Linux every 127.0.0.0/8 address
     * reaches the loopback server, so tests can play a second host.
     */
    public static RawMqttClient connectFrom(InetAddress source, int port, Path caPem) throws IOException {
        return handshake((SSLSocket) trusting(caPem, null).getSocketFactory()
                .createSocket("localhost", port, source, 0));
    }

    private static RawMqttClient handshake(SSLSocket socket) throws IOException {
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        var parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        try {
            socket.startHandshake();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new RawMqttClient(socket);
    }

    public RawMqttClient send(byte[]... packets) throws IOException {
        for (byte[] packet : packets) {
            socket.getOutputStream().write(packet);
        }
        socket.getOutputStream().flush();
        return this;
    }

    /** The next packet from the server; fails on timeout or when the server closed the connection. */
    public RawMqttReply next() throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (received.isEmpty()) {
            if (!readSome(deadline)) {
                throw new AssertionError(closedByServer ? "the server closed the connection"
                        : "no packet from the server within " + TIMEOUT);
            }
        }
        return received.poll();
    }

    /** The next packet, which must be of this type. */
    public RawMqttReply next(MqttMessageType type) throws IOException {
        RawMqttReply reply = next();
        if (reply.type() != type) {
            throw new AssertionError("expected " + type + ", got " + reply);
        }
        return reply;
    }

    /**
     * Reads until the server closes the connection; packets that arrive first are kept for
     * {@link #next()}. Returns false when the connection is still open after the timeout.
     */
    public boolean awaitClosedByServer() throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!closedByServer) {
            if (!readSome(deadline) && !closedByServer) {
                return false;
            }
        }
        return true;
    }

    /** Packets received and not yet taken with {@link #next()}. */
    public int pending() {
        return received.size();
    }

    /** Reads one chunk; false on timeout or close. */
    private boolean readSome(long deadlineNanos) throws IOException {
        if (closedByServer) {
            return false;
        }
        long leftMillis = Duration.ofNanos(deadlineNanos - System.nanoTime()).toMillis();
        if (leftMillis <= 0) {
            return false;
        }
        socket.setSoTimeout((int) leftMillis);
        byte[] chunk = new byte[8192];
        int n;
        try {
            n = in.read(chunk);
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException | SSLException e) {
            // a reset, or a close without close_notify: the server is gone either way
            closedByServer = true;
            return false;
        }
        if (n < 0) {
            closedByServer = true;
            return false;
        }
        received.addAll(decoder.feed(chunk, n));
        return true;
    }

    @Override
    public void close() throws IOException {
        decoder.close();
        socket.close();
    }

    private static SSLContext trusting(Path caPem, KeyManager[] clientCertificate) throws IOException {
        try (var pem = Files.newInputStream(caPem)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("dpsemu-ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLSv1.2");
            context.init(clientCertificate, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + caPem, e);
        }
    }
}
