package io.dpsemu.server.tls;

import org.junit.jupiter.api.AfterEach;
import java.util.ArrayList;
import io.netty.util.ReferenceCountUtil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SslContextsTest {

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

    /** Contexts built by a test, released after it (OpenSSL contexts are reference-counted). */
    private final List<SslContext> contexts = new ArrayList<>();

    @AfterEach
    void releaseContexts() {
        contexts.forEach(ReferenceCountUtil::release);
    }

    private SslContext built(SslContext context) {
        contexts.add(context);
        return context;
    }

    @ParameterizedTest
    @MethodSource("providers")
    void forServer_thenContextOffersExactlyTheConfiguredSuites(SslProvider provider) {
        assumeProvider(provider);

        SslContext context = built(SslContexts.forServer(files.certificateChain(), files.privateKey(), provider));

        assertThat(context.isServer()).isTrue();
        assertThat(context.cipherSuites()).containsExactlyInAnyOrderElementsOf(
                Stream.concat(SslContexts.TLS13_CIPHER_SUITES.stream(), SslContexts.TLS12_CIPHER_SUITES.stream())
                        .toList());
    }

    @ParameterizedTest
    @MethodSource("providers")
    void forServer_whenKeyIsSec1AfterEcParameters_thenBuilds(SslProvider provider) throws IOException {
        assumeProvider(provider);
        Path sec1 = writeSec1ServerKey(true);

        assertThat(Files.readAllLines(sec1))
                .contains("-----BEGIN EC PARAMETERS-----", "-----BEGIN EC PRIVATE KEY-----");
        assertThat(built(SslContexts.forServer(files.certificateChain(), sec1, provider)).isServer()).isTrue();
    }

    @Test
    void forServer_whenSec1KeyOmitsThePublicKey_thenBuilds() {
        Path sec1 = writeSec1ServerKey(false);

        assertThat(built(SslContexts.forServer(files.certificateChain(), sec1)).isServer()).isTrue();
    }

    @Test
    void forServer_whenKeyDoesNotMatchCertificate_thenThrowsNamingBothFiles() {
        Path otherKey = dir.resolve("other-key.pem");
        Pem.writePrivateKey(otherKey, CertificateIssuer.newP256KeyPair().getPrivate());

        assertThatThrownBy(() -> SslContexts.forServer(files.certificateChain(), otherKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(otherKey.toString())
                .hasMessageContaining(files.certificateChain().toString())
                .hasMessageContaining("does not match");
    }

    @Test
    void forServer_whenChainStartsWithTheCa_thenThrowsMismatch() {
        Path caFirst = dir.resolve("ca-first.pem");
        List<X509Certificate> chain = Pem.readCertificates(files.certificateChain());
        TestPki.writeCertificates(caFirst, List.of(chain.get(1), chain.get(0)));

        assertThatThrownBy(() -> SslContexts.forServer(caFirst, files.privateKey()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match the first certificate");
    }

    @Test
    void forServer_whenKeyFileIsGarbage_thenThrowsNamingIt() {
        Path garbage = TestPki.writeString(dir.resolve("garbage-key.pem"), "this is not a key\n\u0000\u00ff");

        assertThatThrownBy(() -> SslContexts.forServer(files.certificateChain(), garbage))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(garbage + ": ")
                .hasMessageContaining("no PEM private key");
    }

    @Test
    void forServer_whenKeyBlockIsCorrupt_thenThrowsNamingIt() {
        Path corrupt = TestPki.writeString(dir.resolve("corrupt-key.pem"),
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(() -> SslContexts.forServer(files.certificateChain(), corrupt))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(corrupt + ": ");
    }

    @Test
    void forServer_whenChainFileIsGarbage_thenThrowsNamingIt() {
        Path garbage = TestPki.writeString(dir.resolve("garbage.pem"),
                "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> SslContexts.forServer(garbage, files.privateKey()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(garbage + ": ")
                .hasMessageContaining("no certificate");
    }

    @Test
    void forServer_whenChainFileHoldsOnlyAKey_thenThrowsNamingIt() {
        assertThatThrownBy(() -> SslContexts.forServer(files.privateKey(), files.privateKey()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(files.privateKey() + ": ")
                .hasMessageContaining("no certificate");
    }

    @Test
    void forServer_whenKeyFileIsMissing_thenThrowsNamingIt() {
        Path missing = dir.resolve("missing-key.pem");

        assertThatThrownBy(() -> SslContexts.forServer(files.certificateChain(), missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(missing + ": file not found");
    }

    @Test
    void forServer_whenKeyIsEncrypted_thenThrowsNamingIt() {
        Path encrypted =
                TestPki.writeEncryptedKey(dir.resolve("encrypted-key.pem"), Pem.readPrivateKey(files.privateKey()));

        assertThatThrownBy(() -> SslContexts.forServer(files.certificateChain(), encrypted))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(encrypted + ": the private key is encrypted; supply an unencrypted key");
    }

    @Test
    void forServer_whenKeyIsRsaPkcs1_thenBuilds() throws IOException {
        KeyPair rsa = TestPki.rsaKeyPair();
        Path certificate = TestPki.writeCertificates(dir.resolve("rsa.pem"),
                List.of(TestPki.selfSignedDeviceCertificate(rsa, "rsa-server")));
        Path pkcs1 = TestPki.writePkcs1Key(dir.resolve("rsa-key.pem"), rsa.getPrivate());

        assertThat(Files.readAllLines(pkcs1).get(0)).isEqualTo("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(built(SslContexts.forServer(certificate, pkcs1)).isServer()).isTrue();
    }

    @Test
    void providerName_thenNamesOpenSslWhenItIsAvailable() {
        assertThat(SslContexts.providerName()).isEqualTo(OpenSsl.isAvailable() ? "OpenSSL (BoringSSL)" : "JDK");
    }

    private Path writeSec1ServerKey(boolean withPublicKey) {
        return TestPki.writeSec1Key(dir.resolve("sec1.pem"), (ECPrivateKey) Pem.readPrivateKey(files.privateKey()),
                Pem.readCertificates(files.certificateChain()).get(0).getPublicKey(), withPublicKey);
    }

    private static void assumeProvider(SslProvider provider) {
        assumeTrue(provider != SslProvider.OPENSSL || OpenSsl.isAvailable(),
                "OpenSSL (netty-tcnative) is not available");
    }
}
