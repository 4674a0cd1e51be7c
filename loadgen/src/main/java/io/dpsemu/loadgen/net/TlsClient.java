package io.dpsemu.loadgen.net;

import io.dpsemu.loadgen.device.Device;
import io.dpsemu.loadgen.device.PemFiles;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * The client side of TLS for every device of a run: one context, the server certificate checked
 * against {@code --host}, and a client certificate per X.509 device.
 */
public final class TlsClient {

    private final SslContext context;
    private final DeviceKeyManager keyManager;
    private final boolean resumption;
    private final String host;
    private final int port;

    /**
     * @param caFile PEM certificates to trust, or null for the JVM's default trust store
     * @param protocol {@code TLSv1.2} or {@code TLSv1.3}
     * @param resumption whether a connection may resume the session of an earlier one
     * @param clientCertificates whether devices present certificates
     */
    public TlsClient(Path caFile, String protocol, boolean resumption, boolean clientCertificates, String host,
            int port) {
        this.keyManager = clientCertificates ? new DeviceKeyManager() : null;
        this.resumption = resumption;
        this.host = host;
        this.port = port;
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols(protocol)
                .endpointIdentificationAlgorithm("HTTPS");
        if (caFile != null) {
            builder.trustManager(PemFiles.certificates(caFile));
        }
        if (keyManager != null) {
            builder.keyManager(keyManager);
        }
        try {
            context = builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the client TLS context: " + e.getMessage(), e);
        }
    }

    /** "OpenSSL (BoringSSL)" or "JDK". */
    public String providerName() {
        return OpenSsl.isAvailable() ? "OpenSSL (BoringSSL)" : "JDK";
    }

    /**
     * A handler for one connection. Both TLS providers cache client sessions by peer host and port
     * and leave a port of -1 uncached: that is how a connection is kept from resuming.
     *
     * @param device whose certificate to present; null for a connection without one
     */
    public SslHandler newHandler(ByteBufAllocator allocator, Device device) {
        SslHandler handler = context.newHandler(allocator, host, resumption ? port : -1);
        // the flow's own deadline bounds the handshake, and names a timeout by its stage
        handler.setHandshakeTimeoutMillis(0);
        if (keyManager != null && device != null) {
            keyManager.assign(handler.engine(), device);
            handler.handshakeFuture().addListener(f -> keyManager.release(handler.engine()));
        }
        return handler;
    }
}
