package io.dpsemu.server.cli.cert;

import io.dpsemu.server.x509.CertificateFacts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Facts about certificates, and the report every subcommand (and {@code device register --issued-cert}) prints
 * about what it wrote.
 */
public final class Certificates {

    static final int KEY_CERT_SIGN = 5;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private Certificates() {
    }

    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }

    /** Same subject and issuer, and signed by its own key. */
    static boolean isSelfSigned(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
                && isSignedBy(certificate, certificate);
    }

    static boolean isSignedBy(X509Certificate certificate, X509Certificate issuer) {
        return CertificateFacts.isSignedBy(certificate, issuer);
    }

    /** "EC P-256", "RSA 2048" and the like. */
    static String describeKey(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return switch (bits) {
                case 256, 384, 521 -> "EC P-" + bits;
                default -> "EC " + bits + "-bit";
            };
        }
        if (key instanceof RSAPublicKey rsa) {
            return "RSA " + rsa.getModulus().bitLength();
        }
        return key.getAlgorithm();
    }

    /** Prints the file, then {@link #reportCertificates}. */
    public static void reportCertificateFile(PrintWriter out, String what, Path file,
                                             List<X509Certificate> certificates, Instant now) {
        out.println("Wrote " + what + " " + file);
        reportCertificates(out, certificates, now);
    }

    /**
     * The first certificate's subject, issuer, key, serial, validity and SHA-256 thumbprint, then one line per
     * further certificate.
     */
    public static void reportCertificates(PrintWriter out, List<X509Certificate> certificates, Instant now) {
        X509Certificate certificate = certificates.get(0);
        line(out, "subject", subject(certificate));
        line(out, "issuer", certificate.getIssuerX500Principal().getName(X500Principal.RFC2253)
                + (isSelfSigned(certificate) ? " (self-signed)" : ""));
        line(out, "key", describeKey(certificate.getPublicKey()));
        line(out, "serial", HEX.formatHex(certificate.getSerialNumber().toByteArray()));
        line(out, "valid from", certificate.getNotBefore().toInstant().toString());
        line(out, "valid until", certificate.getNotAfter().toInstant() + status(certificate, now));
        line(out, "SHA-256", CertificateFacts.sha256(certificate));
        for (X509Certificate next : certificates.subList(1, certificates.size())) {
            line(out, "followed by", subject(next) + " (SHA-256 " + CertificateFacts.sha256(next) + ")");
        }
    }

    private static String status(X509Certificate certificate, Instant now) {
        if (now.isBefore(certificate.getNotBefore().toInstant())) {
            return " (not yet valid)";
        }
        if (now.isAfter(certificate.getNotAfter().toInstant())) {
            return " (expired)";
        }
        return "";
    }

    static void reportKeyFile(PrintWriter out, Path file, PublicKey key) {
        out.println("Wrote private key " + file + " (PKCS#8, " + describeKey(key) + mode(file) + ")");
    }

    private static String mode(Path file) {
        if (Files.getFileAttributeView(file, PosixFileAttributeView.class) == null) {
            return "";
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            int mode = 0;
            for (PosixFilePermission permission : permissions) {
                mode |= 1 << (8 - permission.ordinal());
            }
            return ", mode " + Integer.toOctalString(mode);
        } catch (IOException e) {
            return "";
        }
    }

    private static void line(PrintWriter out, String label, String value) {
        out.printf("  %-12s %s%n", label + ":", value);
    }
}
