package io.dpsemu.loadgen.net;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Validates the server's chain (PKIX and the host name) once per run instead of once per
 * connection: every connection meets the same server with the same chain, and the JDK's validation
 * costs more CPU than the handshake's native crypto, CPU that the load generator would take from
 * the server it measures on a shared machine. A chain that differs in any byte is validated in
 * full; each handshake still proves the server holds the leaf's key.
 */
final class RememberingTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager validator;
    private volatile X509Certificate[] validated;

    RememberingTrustManager(X509ExtendedTrustManager validator) {
        this.validator = validator;
    }

    /** @param anchors the certificates to trust, or null for the JVM's default trust store */
    static RememberingTrustManager trusting(List<X509Certificate> anchors) {
        try {
            KeyStore store = null;
            if (anchors != null) {
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < anchors.size(); i++) {
                    store.setCertificateEntry("ca-" + i, anchors.get(i));
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return new RememberingTrustManager(extended);
                }
            }
            throw new IllegalStateException("the JVM offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up certificate validation: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        X509Certificate[] known = validated;
        if (known != null && Arrays.equals(known, chain)) {
            return;
        }
        validator.checkServerTrusted(chain, authType, engine);
        validated = chain.clone();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        validator.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        validator.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        validator.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        validator.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        validator.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return validator.getAcceptedIssuers();
    }
}
