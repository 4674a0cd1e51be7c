package io.dpsemu.server.x509;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.CertificateBuilder.KeyUsage;
import io.netty.pkitesting.X509Bundle;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates for the X.509 tests, all valid around {@link #NOW} unless built otherwise: CA
 * certificates (roots and intermediates) with keyCertSign, device certificates with the
 * registration id as CN and the clientAuth extended key usage.
 */
public final class TestCertificates {

    /** The instant the tests judge certificates at. */
    public static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    public static final Instant NOT_BEFORE = NOW.minus(Duration.ofDays(30));
    public static final Instant NOT_AFTER = NOW.plus(Duration.ofDays(365));

    private static final String BASIC_CONSTRAINTS = "2.5.29.19";

    private TestCertificates() {
    }

    /** A CA certificate (root or intermediate) on P-256, valid around NOW. */
    public static CertificateBuilder ca(String subject) {
        return new CertificateBuilder()
                .subject(subject)
                .setIsCertificateAuthority(true)
                .setKeyUsage(true, KeyUsage.keyCertSign, KeyUsage.cRLSign, KeyUsage.digitalSignature)
                .notBefore(NOT_BEFORE)
                .notAfter(NOT_AFTER)
                .ecp256();
    }

    /** A device certificate on P-256 for {@code registrationId}, valid around NOW, for client authentication. */
    public static CertificateBuilder device(String registrationId) {
        return new CertificateBuilder()
                .subject("CN=" + registrationId)
                .setKeyUsage(true, KeyUsage.digitalSignature)
                .addExtendedKeyUsageClientAuth()
                .notBefore(NOT_BEFORE)
                .notAfter(NOT_AFTER)
                .ecp256();
    }

    /**
     * A certificate that says it is not a CA (basicConstraints CA:false, critical) and has no key
     * usage extension, so that only the CA flag forbids it to sign certificates.
     */
    public static CertificateBuilder notCa(String cn) {
        return new CertificateBuilder()
                .subject("CN=" + cn)
                .addExtensionOctetString(BASIC_CONSTRAINTS, true, new byte[] {0x30, 0x00})
                .notBefore(NOT_BEFORE)
                .notAfter(NOT_AFTER)
                .ecp256();
    }

    public static X509Bundle root(String cn) {
        return build(() -> ca("CN=" + cn).buildSelfSigned());
    }

    public static X509Bundle rsaRoot(String cn) {
        return build(() -> ca("CN=" + cn).rsa2048().buildSelfSigned());
    }

    public static X509Bundle intermediate(String cn, X509Bundle issuer) {
        return build(() -> ca("CN=" + cn).buildIssuedBy(issuer));
    }

    public static X509Bundle leaf(String registrationId, X509Bundle issuer) {
        return build(() -> device(registrationId).buildIssuedBy(issuer));
    }

    /** A certificate and the key it was made with, built by {@code builder}; test failures become unchecked. */
    public static X509Bundle build(Builder builder) {
        try {
            return builder.build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a test certificate", e);
        }
    }

    /** The certificates of the bundles, in the order given: the chain as a device would present it. */
    public static List<X509Certificate> chain(X509Bundle... certificates) {
        List<X509Certificate> chain = new ArrayList<>();
        for (X509Bundle bundle : certificates) {
            chain.add(bundle.getCertificate());
        }
        return chain;
    }

    public static String pem(X509Bundle bundle) {
        return bundle.getCertificatePEM();
    }

    @FunctionalInterface
    public interface Builder {
        X509Bundle build() throws Exception;
    }
}
