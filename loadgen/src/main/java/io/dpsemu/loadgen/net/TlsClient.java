package io.dpsemu.loadgen.net;

import io.dpsemu.loadgen.device.Device;
import io.dpsemu.loadgen.device.PemFiles;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
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
        this.host = host;
        this.port = port;
        if (!OpenSsl.isAvailable()) {
            // the JDK provider has no way to keep its client sessions from being resumed, and costs more per handshake
            throw new IllegalStateException("dpsemu loadgen needs OpenSSL (netty-tcnative), which is not available"
                    + " here: " + OpenSsl.unavailabilityCause());
        }
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(SslProvider.OPENSSL)
                .protocols(protocol)
                .endpointIdentificationAlgorithm("HTTPS");
        try {
            builder.trustManager(
                    RememberingTrustManager.trusting(caFile == null ? null : PemFiles.certificates(caFile)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ca: " + e.getMessage(), e);
        }
        if (keyManager != null) {
            builder.keyManager(keyManager);
        }
        try {
            context = builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the client TLS context: " + e.getMessage(), e);
        }
        // sessions are cached by server host and port: without the cache every connection makes a full handshake
        ((OpenSslSessionContext) context.sessionContext()).setSessionCacheEnabled(resumption);
    }

    /**
     * A handler for one connection.
     *
     * @param device whose certificate to present; null for a connection without one
     */
    public SslHandler newHandler(ByteBufAllocator allocator, Device device) {
        SslHandler handler = context.newHandler(allocator, host, port);
        // the flow's own deadline bounds the handshake, and names a timeout by its stage
        handler.setHandshakeTimeoutMillis(0);
        if (keyManager != null && device != null) {
            keyManager.assign(handler.engine(), device);
            handler.handshakeFuture().addListener(f -> keyManager.release(handler.engine()));
        }
        return handler;
    }
}
