package io.dpsemu.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCertificateAuthorityTest {

    private static final String KEY_USAGE = Extension.keyUsage.getId();
    private static final String BASIC_CONSTRAINTS = Extension.basicConstraints.getId();

    @TempDir
    Path dir;

    private Path tlsDir() {
        return dir.resolve("data").resolve("tls");
    }

    @Test
    void ensure_whenDirectoryIsMissing_thenCreatesTheFourFiles() {
        TlsFiles files = LocalCertificateAuthority.ensure(tlsDir(), List.of());

        assertThat(files).isEqualTo(new TlsFiles(
                tlsDir().resolve("server.pem"), tlsDir().resolve("server-key.pem"), tlsDir().resolve("ca.pem")));
        assertThat(tlsDir().resolve("ca-key.pem")).isRegularFile();
        assertThat(files.certificateChain()).isRegularFile();
        assertThat(files.privateKey()).isRegularFile();
        assertThat(files.caCertificate()).isRegularFile();
    }

    @Test
    void ensure_thenCaIsAP256RootWithCriticalConstraints() {
        Instant now = Instant.now();
        TlsFiles files = LocalCertificateAuthority.ensure(tlsDir(), List.of());
        X509Certificate ca = Pem.readCertificates(files.caCertificate()).get(0);

        assertThat(ca.getSubjectX500Principal().getName()).matches("CN=dpsemu local CA [0-9a-f]{8}");
        assertThat(ca.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(((ECPublicKey) ca.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getKeyUsage()).containsExactly(false, false, false, false, false, true, true, false, false);
        assertThat(ca.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(BASIC_CONSTRAINTS, KEY_USAGE);
        assertThat(ca.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
        assertThat(ca.getNotAfter().toInstant())
                .isBetween(now.plus(Duration.ofDays(3650)), now.plus(Duration.ofDays(3660)));
    }

    @Test
    void ensure_thenServerCertificateIsALeafForServerAuthIssuedByTheCa() throws Exception {
        Instant now = Instant.now();
        TlsFiles files = LocalCertificateAuthority.ensure(tlsDir(), List.of());
        List<X509Certificate> chain = Pem.readCertificates(files.certificateChain());
        X509Certificate server = chain.get(0);
        X509Certificate ca = Pem.readCertificates(files.caCertificate()).get(0);

        assertThat(chain).containsExactly(server, ca);
        server.verify(ca.getPublicKey());
        assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=dpsemu");
        assertThat(server.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
        assertThat(server.getKeyUsage()).startsWith(true, false, false, false, false, false);
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(authorityKeyId(server)).isEqualTo(subjectKeyId(ca));
        assertThat(server.getNotAfter().toInstant())
                .isBetween(now.plus(Duration.ofDays(396)), now.plus(Duration.ofDays(398)));
        assertThat(Pem.readPrivateKey(files.privateKey()).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void ensure_withExtraNames_thenServerCertificateCoversThemAndTheDefaults() throws Exception {
        TlsFiles files = LocalCertificateAuthority.ensure(tlsDir(), List.of("dps.example.test", "10.1.2.3", "fe80::1"));

        assertThat(SubjectName.of(Pem.readCertificates(files.certificateChain()).get(0))).contains(
                SubjectName.parse("localhost"), new SubjectName(true, "127.0.0.1"), new SubjectName(true, "::1"),
                new SubjectName(false, "dps.example.test"), new SubjectName(true, "10.1.2.3"),
                new SubjectName(true, "fe80::1"),
                SubjectName.parse(InetAddress.getLocalHost().getHostName()));
    }

    @Test
    void ensure_thenKeyFilesArePkcs8AndOwnerOnly() throws IOException {
        TlsFiles files = LocalCertificateAuthority.ensure(tlsDir(), List.of());
        assumeTrue(Files.getFileAttributeView(tlsDir(), PosixFileAttributeView.class) != null, "POSIX file system");

        for (Path key : List.of(files.privateKey(), tlsDir().resolve("ca-key.pem"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                    .as(key.toString()).isEqualTo("rw-------");
            assertThat(Files.readAllLines(key).get(0)).isEqualTo("-----BEGIN PRIVATE KEY-----");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.caCertificate())))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void ensure_whenCalledTwice_thenReusesEverything() throws IOException {
        LocalCertificateAuthority.ensure(tlsDir(), List.of("dps.example.test"));
        List<byte[]> before = contents();

        LocalCertificateAuthority.ensure(tlsDir(), List.of("DPS.example.test"));

        assertThat(contents()).containsExactlyElementsOf(before);
        assertThat(tlsDir()).isDirectoryNotContaining(path -> path.getFileName().toString().endsWith(".tmp"));
    }

    @Test
    void ensure_whenANameIsAdded_thenReissuesServerCertificateUnderTheSameCa() throws Exception {
        TlsFiles first = LocalCertificateAuthority.ensure(tlsDir(), List.of());
        byte[] ca = Files.readAllBytes(first.caCertificate());
        byte[] server = Files.readAllBytes(first.certificateChain());

        TlsFiles second = LocalCertificateAuthority.ensure(tlsDir(), List.of("192.0.2.7"));

        assertThat(Files.readAllBytes(second.caCertificate())).isEqualTo(ca);
        assertThat(Files.readAllBytes(second.certificateChain())).isNotEqualTo(server);
        X509Certificate reissued = Pem.readCertificates(second.certificateChain()).get(0);
        reissued.verify(Pem.readCertificates(second.caCertificate()).get(0).getPublicKey());
        assertThat(SubjectName.of(reissued)).contains(new SubjectName(true, "192.0.2.7"));
    }

    @Test
    void ensure_whenServerCertificateExpiresWithin30Days_thenReissuesIt() throws Exception {
        LocalCertificateAuthority.ensure(tlsDir(), List.of(), clockAt(Instant.now().minus(Duration.ofDays(397 - 29))));
        byte[] ca = Files.readAllBytes(tlsDir().resolve("ca.pem"));

        TlsFiles files = LocalCertificateAuthority.ensure(tlsDir(), List.of());

        assertThat(Files.readAllBytes(files.caCertificate())).isEqualTo(ca);
        assertThat(Pem.readCertificates(files.certificateChain()).get(0).getNotAfter().toInstant())
                .isAfter(Instant.now().plus(Duration.ofDays(396)));
    }

    @Test
    void ensure_whenServerCertificateExpiresIn31Days_thenReusesIt() throws Exception {
        LocalCertificateAuthority.ensure(tlsDir(), List.of(), clockAt(Instant.now().minus(Duration.ofDays(397 - 31))));
        List<byte[]> before = contents();

        LocalCertificateAuthority.ensure(tlsDir(), List.of());

        assertThat(contents()).containsExactlyElementsOf(before);
    }

    @Test
    void ensure_whenServerKeyIsMissing_thenReissuesServerCertificate() throws Exception {
        TlsFiles files = LocalCertificateAuthority.ensure(tlsDir(), List.of());
        Files.delete(files.privateKey());

        LocalCertificateAuthority.ensure(tlsDir(), List.of());

        KeyMaterial.load(files.certificateChain(), files.privateKey());
    }

    @Test
    void ensure_whenCaKeyIsMissing_thenCreatesANewCaAndReissuesServerCertificate() throws Exception {
        TlsFiles files = LocalCertificateAuthority.ensure(tlsDir(), List.of());
        byte[] oldCa = Files.readAllBytes(files.caCertificate());
        Files.delete(tlsDir().resolve("ca-key.pem"));

        LocalCertificateAuthority.ensure(tlsDir(), List.of());

        assertThat(Files.readAllBytes(files.caCertificate())).isNotEqualTo(oldCa);
        Pem.readCertificates(files.certificateChain()).get(0)
                .verify(Pem.readCertificates(files.caCertificate()).get(0).getPublicKey());
    }

    @Test
    void ensure_whenCaFileIsCorrupt_thenThrowsNamingItAndKeepsIt() throws IOException {
        LocalCertificateAuthority.ensure(tlsDir(), List.of());
        Path caFile = tlsDir().resolve("ca.pem");
        Files.writeString(caFile, "oops");

        assertThatThrownBy(() -> LocalCertificateAuthority.ensure(tlsDir(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(caFile + ": ");
        assertThat(caFile).hasContent("oops");
    }

    @Test
    void ensure_whenAnExtraNameIsBlank_thenThrows() {
        assertThatThrownBy(() -> LocalCertificateAuthority.ensure(tlsDir(), List.of(" ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid TLS name");
    }

    private List<byte[]> contents() throws IOException {
        List<byte[]> contents = new ArrayList<>();
        for (String name : List.of("ca.pem", "ca-key.pem", "server.pem", "server-key.pem")) {
            contents.add(Files.readAllBytes(tlsDir().resolve(name)));
        }
        return contents;
    }

    private static Clock clockAt(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    private static byte[] subjectKeyId(X509Certificate certificate) {
        return SubjectKeyIdentifier.getInstance(extension(certificate, Extension.subjectKeyIdentifier.getId()))
                .getKeyIdentifier();
    }

    private static byte[] authorityKeyId(X509Certificate certificate) {
        return AuthorityKeyIdentifier.getInstance(extension(certificate, Extension.authorityKeyIdentifier.getId()))
                .getKeyIdentifierObject().getOctets();
    }

    private static byte[] extension(X509Certificate certificate, String oid) {
        return ASN1OctetString.getInstance(certificate.getExtensionValue(oid)).getOctets();
    }
}
