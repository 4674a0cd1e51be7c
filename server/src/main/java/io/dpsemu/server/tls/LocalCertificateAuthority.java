package io.dpsemu.server.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and maintains the TLS material dpsemu serves when the user configured none: a local root CA
 * that devices trust, and a server certificate issued by it. The CA is kept across restarts and server
 * certificate renewals, so devices that trust {@code ca.pem} keep working.
 */
public final class LocalCertificateAuthority {

    private static final Logger log = LoggerFactory.getLogger(LocalCertificateAuthority.class);

    private static final String CA_FILE = "ca.pem";
    private static final String CA_KEY_FILE = "ca-key.pem";
    private static final String SERVER_FILE = "server.pem";
    private static final String SERVER_KEY_FILE = "server-key.pem";

    private static final Duration CA_VALIDITY = Duration.ofDays(3653);
    private static final Duration SERVER_VALIDITY = Duration.ofDays(397);
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofDays(30);
    private static final List<String> ALWAYS_NAMED = List.of("localhost", "127.0.0.1", "::1");

    private LocalCertificateAuthority() {
    }

    /**
     * Makes sure {@code tlsDir} holds a usable CA and server certificate, creating or renewing what is
     * missing, about to expire, or not covering every requested name.
     *
     * @param extraNames names the server certificate must cover besides localhost, 127.0.0.1, ::1 and the
     *                   host name; IP literals become IP names, anything else DNS names
     * @throws IllegalArgumentException if a name is invalid or an existing CA cannot be read
     */
    public static TlsFiles ensure(Path tlsDir, List<String> extraNames) {
        return ensure(tlsDir, extraNames, Clock.systemUTC());
    }

    static TlsFiles ensure(Path tlsDir, List<String> extraNames, Clock clock) {
        Set<SubjectName> names = requestedNames(extraNames);
        return ensureServerCertificate(tlsDir, ensureCa(tlsDir, clock.instant()), names, clock.instant());
    }

    /**
     * {@link #ensure(Path, List)} with the CA {@link #ensureCa} returned, so a caller that needs the CA too
     * reads it once.
     */
    public static TlsFiles ensure(Path tlsDir, KeyMaterial ca, List<String> extraNames) {
        return ensureServerCertificate(tlsDir, ca, requestedNames(extraNames), Instant.now());
    }

    /**
     * The local CA of {@code tlsDir}, created when missing: it signs the server certificate and the device
     * certificates of the {@code local} credential policy, even when the server's TLS material is the user's.
     *
     * @throws IllegalArgumentException if an existing CA cannot be read
     */
    public static KeyMaterial ensureCa(Path tlsDir) {
        return ensureCa(tlsDir, Instant.now());
    }

    private static KeyMaterial ensureCa(Path tlsDir, Instant now) {
        createDirectory(tlsDir);
        return loadOrCreateCa(tlsDir.resolve(CA_FILE), tlsDir.resolve(CA_KEY_FILE), now);
    }

    private static TlsFiles ensureServerCertificate(Path tlsDir, KeyMaterial ca, Set<SubjectName> names,
                                                    Instant now) {
        Path caFile = tlsDir.resolve(CA_FILE);
        Path serverFile = tlsDir.resolve(SERVER_FILE);
        Path serverKeyFile = tlsDir.resolve(SERVER_KEY_FILE);
        Optional<String> renewal = reasonToIssue(serverFile, serverKeyFile, ca.leaf(), names, now);
        if (renewal.isPresent()) {
            X509Certificate server = issueServerCertificate(serverFile, serverKeyFile, ca, names, now);
            log.info("Issued TLS server certificate {} for {}, valid until {} ({})",
                    serverFile, names, server.getNotAfter().toInstant(), renewal.get());
        } else {
            log.info("Reusing TLS server certificate {}", serverFile);
        }
        return new TlsFiles(serverFile, serverKeyFile, caFile);
    }

    private static Set<SubjectName> requestedNames(List<String> extraNames) {
        Set<SubjectName> names = SubjectName.parseAll(ALWAYS_NAMED);
        localHostName().ifPresent(names::add);
        names.addAll(SubjectName.parseAll(extraNames));
        return names;
    }

    private static Optional<SubjectName> localHostName() {
        try {
            return Optional.of(SubjectName.parse(InetAddress.getLocalHost().getHostName()));
        } catch (IOException | RuntimeException e) {
            log.debug("Host name left out of the server certificate: {}", e.toString());
            return Optional.empty();
        }
    }

    private static KeyMaterial loadOrCreateCa(Path caFile, Path caKeyFile, Instant now) {
        boolean certificateExists = Files.exists(caFile);
        boolean keyExists = Files.exists(caKeyFile);
        if (certificateExists && keyExists) {
            // Unreadable files fail startup rather than being replaced: devices trust this exact CA.
            KeyMaterial ca = KeyMaterial.load(caFile, caKeyFile);
            log.info("Reusing local CA {} ({})", caFile, ca.leaf().getSubjectX500Principal().getName());
            return ca;
        }
        if (certificateExists || keyExists) {
            log.warn("{} exists without {}: creating a new local CA, devices must trust the new {}",
                    certificateExists ? caFile : caKeyFile, certificateExists ? caKeyFile : caFile, caFile);
        }
        KeyPair keys = CertificateIssuer.newP256KeyPair();
        X509Certificate certificate =
                CertificateIssuer.selfSignedCa(keys, "dpsemu local CA " + shortRandomId(), now, CA_VALIDITY);
        Pem.writePrivateKey(caKeyFile, keys.getPrivate());
        Pem.writeCertificates(caFile, List.of(certificate));
        log.info("Created local CA {} ({})",
                caFile, certificate.getSubjectX500Principal().getName());
        return new KeyMaterial(keys.getPrivate(), List.of(certificate));
    }

    private static Optional<String> reasonToIssue(Path serverFile, Path serverKeyFile, X509Certificate ca,
                                                  Set<SubjectName> names, Instant now) {
        if (!Files.exists(serverFile) || !Files.exists(serverKeyFile)) {
            return Optional.of("no server certificate yet");
        }
        X509Certificate server;
        try {
            server = KeyMaterial.load(serverFile, serverKeyFile).leaf();
        } catch (IllegalArgumentException e) {
            return Optional.of("the existing one is unusable: " + e.getMessage());
        }
        if (!issuedBy(server, ca)) {
            return Optional.of("the existing one was not issued by the current local CA");
        }
        Instant notAfter = server.getNotAfter().toInstant();
        if (notAfter.isBefore(now.plus(RENEW_BEFORE_EXPIRY))) {
            return Optional.of("the existing one expires " + notAfter);
        }
        Set<SubjectName> missing = new LinkedHashSet<>(names);
        missing.removeAll(SubjectName.of(server));
        if (!missing.isEmpty()) {
            return Optional.of("the existing one does not cover " + missing);
        }
        return Optional.empty();
    }

    private static boolean issuedBy(X509Certificate certificate, X509Certificate ca) {
        try {
            certificate.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static X509Certificate issueServerCertificate(Path serverFile, Path serverKeyFile, KeyMaterial ca,
                                                          Set<SubjectName> names, Instant now) {
        KeyPair keys = CertificateIssuer.newP256KeyPair();
        X509Certificate server = CertificateIssuer.serverCertificate(
                keys.getPublic(), "dpsemu", names, ca.leaf(), ca.privateKey(), now, SERVER_VALIDITY);
        // Key first: a crash between the two writes leaves a mismatched pair, which the next start reissues.
        Pem.writePrivateKey(serverKeyFile, keys.getPrivate());
        Pem.writeCertificates(serverFile, List.of(server, ca.leaf()));
        return server;
    }

    private static void createDirectory(Path tlsDir) {
        try {
            Files.createDirectories(tlsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the TLS directory " + tlsDir, e);
        }
    }

    private static String shortRandomId() {
        byte[] id = new byte[4];
        new SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }
}
