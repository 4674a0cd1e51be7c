package io.dpsemu.server.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the server TLS context shared by the MQTT and HTTPS endpoints. */
public final class SslContexts {

    private static final Logger log = LoggerFactory.getLogger(SslContexts.class);

    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    static final List<String> TLS13_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    /** Mozilla "intermediate" (guidelines 6.0) for TLS 1.2, in its order: forward secret AEAD only. */
    static final List<String> TLS12_CIPHER_SUITES = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * Sessions kept for resumption by session id. Each holds native memory until it expires, so a
     * fleet of one-off connections must not keep them long after it has gone.
     */
    private static final long SESSION_CACHE_SIZE = 10_000;
    private static final long SESSION_TIMEOUT_SECONDS = 300;

    private static final SslProvider DEFAULT_PROVIDER = detectProvider();

    private SslContexts() {
    }

    /**
     * A server context serving the given chain and key, requesting (not requiring) a client certificate
     * and accepting any client chain. With OpenSSL the context is reference-counted: release it
     * ({@link io.netty.util.ReferenceCountUtil#release(Object)}) when the server stops.
     *
     * @param certificateChainPem the server certificate first, then its issuers
     * @param privateKeyPem an unencrypted PKCS#8, SEC1 (EC) or PKCS#1 (RSA) key matching the server certificate
     * @throws IllegalArgumentException naming the file, if the material is unreadable or does not match
     */
    public static SslContext forServer(Path certificateChainPem, Path privateKeyPem) {
        return forServer(certificateChainPem, privateKeyPem, DEFAULT_PROVIDER);
    }

    static SslContext forServer(Path certificateChainPem, Path privateKeyPem, SslProvider provider) {
        KeyMaterial material = KeyMaterial.load(certificateChainPem, privateKeyPem);
        warnIfNotCurrentlyValid(material.leaf(), certificateChainPem);
        List<String> cipherSuites = Stream.concat(TLS13_CIPHER_SUITES.stream(), TLS12_CIPHER_SUITES.stream()).toList();
        SslContext context;
        try {
            context = SslContextBuilder.forServer(material.privateKey(), material.chain())
                    .sslProvider(provider)
                    .protocols(PROTOCOLS)
                    .ciphers(cipherSuites, SupportedCipherSuiteFilter.INSTANCE)
                    .clientAuth(ClientAuth.OPTIONAL)
                    .trustManager(new AnyClientChainTrustManager())
                    .sessionCacheSize(SESSION_CACHE_SIZE)
                    .sessionTimeout(SESSION_TIMEOUT_SECONDS)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException(
                    "cannot build the TLS context with the " + provider + " provider: " + e.getMessage(), e);
        }
        try {
            requireEverySuite(context, cipherSuites, provider);
        } catch (IllegalStateException e) {
            ReferenceCountUtil.release(context);
            throw e;
        }
        return context;
    }

    /** "OpenSSL (BoringSSL)" or "JDK": the provider {@link #forServer(Path, Path)} uses. */
    public static String providerName() {
        return DEFAULT_PROVIDER == SslProvider.JDK ? "JDK" : "OpenSSL (BoringSSL)";
    }

    /** The client's certificate chain, leaf first, or empty when the client sent none. Works on resumed sessions. */
    public static Optional<X509Certificate[]> peerChain(SSLSession session) {
        Certificate[] certificates;
        try {
            certificates = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
        if (certificates == null || certificates.length == 0) {
            return Optional.empty();
        }
        return Optional.of(Arrays.stream(certificates).map(X509Certificate.class::cast)
                .toArray(X509Certificate[]::new));
    }

    /**
     * The filter drops what the provider lacks; failing here instead keeps a provider or JDK change from
     * silently shrinking the configured suites.
     */
    private static void requireEverySuite(SslContext context, List<String> cipherSuites, SslProvider provider) {
        List<String> missing = new ArrayList<>(cipherSuites);
        missing.removeAll(context.cipherSuites());
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the " + provider + " TLS provider does not support the cipher suites "
                    + missing);
        }
    }

    private static void warnIfNotCurrentlyValid(X509Certificate certificate, Path file) {
        Instant now = Instant.now();
        if (now.isAfter(certificate.getNotAfter().toInstant())
                || now.isBefore(certificate.getNotBefore().toInstant())) {
            log.warn("TLS server certificate in {} is not valid now (valid from {} until {}); devices will reject it",
                    file, certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
        }
    }

    private static SslProvider detectProvider() {
        if (OpenSsl.isAvailable()) {
            log.info("TLS provider: OpenSSL (BoringSSL)");
            // reference-counted engines free their native state when the connection closes, not when a
            // finalizer gets to them: a closed fleet's TLS memory comes back at once
            return SslProvider.OPENSSL_REFCNT;
        }
        log.info("TLS provider: JDK (OpenSSL unavailable: {})", String.valueOf(OpenSsl.unavailabilityCause()));
        return SslProvider.JDK;
    }
}
