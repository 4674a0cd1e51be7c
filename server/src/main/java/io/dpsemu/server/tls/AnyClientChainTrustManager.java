package io.dpsemu.server.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Lets every client chain through the handshake: devices are matched against enrollments after it, and
 * the handshake's CertificateVerify still proves the device holds the key. Extending
 * {@link X509ExtendedTrustManager} keeps JSSE from wrapping it with checks of its own, so the JDK and
 * OpenSSL providers admit the same chains.
 */
final class AnyClientChainTrustManager extends X509ExtendedTrustManager {

    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    /**
     * Empty, so the CertificateRequest names no CAs: some device TLS stacks withhold a certificate whose
     * issuer is not listed.
     */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw serverSideOnly();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw serverSideOnly();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw serverSideOnly();
    }

    private static CertificateException serverSideOnly() {
        return new CertificateException("this trust manager only serves the server side of TLS");
    }
}
