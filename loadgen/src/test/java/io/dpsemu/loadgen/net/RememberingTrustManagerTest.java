package io.dpsemu.loadgen.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.pkitesting.CertificateBuilder;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;

class RememberingTrustManagerTest {

    private final CountingValidator validator = new CountingValidator();
    private final RememberingTrustManager trust = new RememberingTrustManager(validator);

    @Test
    void sameChainAgain_isNotValidatedAgain() throws Exception {
        X509Certificate[] chain = {certificate("CN=server")};

        trust.checkServerTrusted(chain, "ECDHE_ECDSA", (SSLEngine) null);
        trust.checkServerTrusted(new X509Certificate[] {chain[0]}, "ECDHE_ECDSA", (SSLEngine) null);

        assertThat(validator.validated).hasSize(1);
    }

    @Test
    void differentChain_isValidatedInFull() throws Exception {
        trust.checkServerTrusted(new X509Certificate[] {certificate("CN=server")}, "ECDHE_ECDSA", (SSLEngine) null);

        trust.checkServerTrusted(new X509Certificate[] {certificate("CN=impostor")}, "ECDHE_ECDSA", (SSLEngine) null);

        assertThat(validator.validated).hasSize(2);
    }

    @Test
    void refusedChain_isNotRemembered() throws Exception {
        X509Certificate[] chain = {certificate("CN=untrusted")};
        validator.refuse = true;

        assertThatThrownBy(() -> trust.checkServerTrusted(chain, "ECDHE_ECDSA", (SSLEngine) null))
                .isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> trust.checkServerTrusted(chain, "ECDHE_ECDSA", (SSLEngine) null))
                .isInstanceOf(CertificateException.class);
    }

    private static X509Certificate certificate(String subject) throws Exception {
        return new CertificateBuilder().subject(subject).ecp256().setIsCertificateAuthority(true).buildSelfSigned()
                .getCertificate();
    }

    private static final class CountingValidator extends X509ExtendedTrustManager {

        final List<X509Certificate[]> validated = new ArrayList<>();
        boolean refuse;

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            if (refuse) {
                throw new CertificateException("not trusted");
            }
            validated.add(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
