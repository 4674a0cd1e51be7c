package io.dpsemu.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real handshakes between a Netty server built by {@link SslContexts} and a JDK client trusting only ca.pem. */
class SslContextsHandshakeTest {

    private static final int TLS_HANDSHAKE_RECORD = 0x16;
    private static final int TLS_ALERT_RECORD = 0x15;

    @TempDir
    Path dir;

    private TlsFiles files;

    @BeforeEach
    void createLocalCa() {
        files = LocalCertificateAuthority.ensure(dir.resolve("tls"), List.of());
    }

    static Stream<SslProvider> providers() {
        return Stream.of(SslProvider.OPENSSL, SslProvider.JDK);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshake_whenClientOffersOnlyTls12_thenSucceedsWithFullChain(SslProvider provider) throws Exception {
        try (TlsTestServer server = start(provider)) {
            SSLSession session = client().handshake("localhost", server.port(), TlsTestClient.protocols("TLSv1.2"));

            assertThat(session.getProtocol()).isEqualTo("TLSv1.2");
            assertThat(session.getCipherSuite()).isIn(SslContexts.TLS12_CIPHER_SUITES);
            assertThat(session.getPeerCertificates()).hasSize(2);
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshake_whenClientOffersTls13_thenSucceedsWithTls13(SslProvider provider) throws Exception {
        try (TlsTestServer server = start(provider)) {
            SSLSession session =
                    client().handshake("localhost", server.port(), TlsTestClient.protocols("TLSv1.3", "TLSv1.2"));

            assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshake_whenSniIsAnIpLiteral_thenSucceeds(SslProvider provider) throws Exception {
        try (TlsTestServer server = start(provider)) {
            SNIServerName ipAsSni = new SNIHostName("127.0.0.1");

            SSLSession session = client().handshake("127.0.0.1", server.port(),
                    parameters -> parameters.setServerNames(List.of(ipAsSni)));

            // Netty's OpenSSL sessions do not report the SNI received, so the client side shows it was sent.
            assertThat(((ExtendedSSLSession) session).getRequestedServerNames()).containsExactly(ipAsSni);
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshake_whenClientSendsNoSni_thenSucceeds(SslProvider provider) throws Exception {
        try (TlsTestServer server = start(provider)) {
            SSLSession session = client().handshake("localhost", server.port(),
                    parameters -> parameters.setServerNames(List.of()));

            assertThat(((ExtendedSSLSession) session).getRequestedServerNames()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshake_whenClientVerifiesHostName_thenLocalhostAndLoopbackIpMatch(SslProvider provider) throws Exception {
        try (TlsTestServer server = start(provider)) {
            for (String host : List.of("localhost", "127.0.0.1")) {
                SSLSession session = client().handshake(host, server.port(),
                        parameters -> parameters.setEndpointIdentificationAlgorithm("HTTPS"));

                assertThat(session.isValid()).as(host).isTrue();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshake_whenClientVerifiesAnUncoveredHostName_thenFails(SslProvider provider) throws Exception {
        try (TlsTestServer server = start(provider)) {
            assertThatThrownBy(() -> client().handshake("not-covered.example", server.port(),
                    parameters -> parameters.setEndpointIdentificationAlgorithm("HTTPS")))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshake_whenClientOffersOnlyTls11_thenServerRefuses(SslProvider provider) throws Exception {
        try (TlsTestServer server = start(provider)) {
            // Raw bytes: the JDK client itself no longer offers TLS 1.1 (disabled by default since JDK 16).
            byte[] tls11Hello = TlsTestClient.clientHello(2, List.of(0xc009, 0xc013, 0x002f));

            assertThat(TlsTestClient.firstByteOfAnswer(server.port(), tls11Hello)).isIn(TLS_ALERT_RECORD, -1);
        }
    }

    /** Shows the raw ClientHello of the TLS 1.1 test is well formed: changing only its version makes it succeed. */
    @ParameterizedTest
    @MethodSource("providers")
    void handshake_whenRawClientHelloOffersTls12_thenServerAnswersWithServerHello(SslProvider provider)
            throws Exception {
        try (TlsTestServer server = start(provider)) {
            byte[] tls12Hello = TlsTestClient.clientHello(3, List.of(0xc02b));

            assertThat(TlsTestClient.firstByteOfAnswer(server.port(), tls12Hello)).isEqualTo(TLS_HANDSHAKE_RECORD);
        }
    }

    static Stream<Arguments> providersAndProtocols() {
        return providers().flatMap(provider -> Stream.of("TLSv1.2", "TLSv1.3")
                .map(protocol -> Arguments.of(provider, protocol)));
    }

    @ParameterizedTest
    @MethodSource("providersAndProtocols")
    void handshake_whenClientPresentsSelfMadeCertificate_thenPeerChainReturnsIt(SslProvider provider, String protocol)
            throws Exception {
        KeyPair deviceKeys = CertificateIssuer.newP256KeyPair();
        X509Certificate device = TestPki.selfSignedDeviceCertificate(deviceKeys, "device-1");
        RecordingKeyManager keyManager = new RecordingKeyManager(deviceKeys.getPrivate(), device);
        try (TlsTestServer server = start(provider)) {
            TlsTestClient.trusting(files.caCertificate(), keyManager)
                    .handshake("localhost", server.port(), TlsTestClient.protocols(protocol));

            assertThat(SslContexts.peerChain(server.nextSession())).hasValueSatisfying(
                    chain -> assertThat(chain).containsExactly(device));
            assertThat(keyManager.asked()).isTrue();
            assertThat(keyManager.requestedIssuers()).isNullOrEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshake_whenClientPresentsNoCertificate_thenPeerChainIsEmpty(SslProvider provider) throws Exception {
        try (TlsTestServer server = start(provider)) {
            client().handshake("localhost", server.port(), parameters -> { });

            assertThat(SslContexts.peerChain(server.nextSession())).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void handshake_whenSessionIsResumed_thenPeerChainStillReturnsClientCertificate(SslProvider provider)
            throws Exception {
        KeyPair deviceKeys = CertificateIssuer.newP256KeyPair();
        X509Certificate device = TestPki.selfSignedDeviceCertificate(deviceKeys, "device-2");
        TlsTestClient client = TlsTestClient.trusting(files.caCertificate(),
                new RecordingKeyManager(deviceKeys.getPrivate(), device));
        try (TlsTestServer server = start(provider)) {
            SSLSession first = client.handshake("localhost", server.port(), TlsTestClient.protocols("TLSv1.2"));
            server.nextSession();
            SSLSession second = client.handshake("localhost", server.port(), TlsTestClient.protocols("TLSv1.2"));

            assertThat(second.getId()).as("session resumed").isEqualTo(first.getId());
            assertThat(SslContexts.peerChain(server.nextSession())).hasValueSatisfying(
                    chain -> assertThat(chain).containsExactly(device));
        }
    }

    enum ServerKey { EC, RSA }

    static Stream<Arguments> providersAndServerKeys() {
        return providers().flatMap(provider -> Stream.of(ServerKey.values()).map(key -> Arguments.of(provider, key)));
    }

    /**
     * Every TLS 1.2 suite the JDK client knows, one at a time: exactly the profile's suites for the key type succeed.
     */
    @ParameterizedTest
    @MethodSource("providersAndServerKeys")
    void handshake_whenClientOffersOneTls12Suite_thenOnlyProfileSuitesSucceed(SslProvider provider, ServerKey serverKey)
            throws Exception {
        TlsFiles material = serverKey == ServerKey.EC ? files : rsaServerMaterial();
        List<String> succeeded = new ArrayList<>();
        try (TlsTestServer server = start(provider, material)) {
            for (String suite : tls12SuitesTheClientSupports()) {
                try {
                    client().handshake("localhost", server.port(), parameters -> {
                        parameters.setProtocols(new String[] {"TLSv1.2"});
                        parameters.setCipherSuites(new String[] {suite});
                    });
                    succeeded.add(suite);
                } catch (IOException refused) {
                    // expected for every suite outside the profile
                }
            }
        }
        String authentication = serverKey == ServerKey.EC ? "_ECDSA_" : "_RSA_";
        assertThat(succeeded).containsExactlyInAnyOrderElementsOf(
                SslContexts.TLS12_CIPHER_SUITES.stream().filter(suite -> suite.contains(authentication)).toList());
    }

    private static List<String> tls12SuitesTheClientSupports() throws Exception {
        return Stream.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites())
                .filter(suite -> !SslContexts.TLS13_CIPHER_SUITES.contains(suite))
                .filter(suite -> !suite.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV"))
                .toList();
    }

    /** An RSA server key in PKCS#1 form, issued by the same local CA. */
    private TlsFiles rsaServerMaterial() {
        KeyMaterial ca = KeyMaterial.load(files.caCertificate(), dir.resolve("tls/ca-key.pem"));
        KeyPair rsa = TestPki.rsaKeyPair();
        X509Certificate certificate = CertificateIssuer.serverCertificate(rsa.getPublic(), "dpsemu",
                SubjectName.parseAll(List.of("localhost")), ca.leaf(), ca.privateKey(), Instant.now(),
                Duration.ofDays(1));
        return new TlsFiles(
                TestPki.writeCertificates(dir.resolve("rsa.pem"), List.of(certificate, ca.leaf())),
                TestPki.writePkcs1Key(dir.resolve("rsa-key.pem"), rsa.getPrivate()),
                files.caCertificate());
    }

    private TlsTestClient client() {
        return TlsTestClient.trusting(files.caCertificate());
    }

    private TlsTestServer start(SslProvider provider) throws InterruptedException {
        return start(provider, files);
    }

    private static TlsTestServer start(SslProvider provider, TlsFiles material) throws InterruptedException {
        assumeTrue(provider != SslProvider.OPENSSL || OpenSsl.isAvailable(),
                "OpenSSL (netty-tcnative) is not available");
        return new TlsTestServer(SslContexts.forServer(material.certificateChain(), material.privateKey(), provider));
    }
}
