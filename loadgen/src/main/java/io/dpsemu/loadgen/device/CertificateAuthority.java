package io.dpsemu.loadgen.device;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA the user enrolled as an X.509 group, which issues one ECDSA P-256 leaf per device with the
 * registration id as CN, the way a device maker would.
 */
public final class CertificateAuthority {

    /** Leafs are made for one run; an hour back covers clock skew between client and server. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final Duration LIFETIME = Duration.ofDays(7);

    private final X509Certificate certificate;
    private final List<X509Certificate> issuers;
    private final PrivateKey key;
    private final SecureRandom random = new SecureRandom();

    private CertificateAuthority(List<X509Certificate> certificates, PrivateKey key) {
        this.certificate = certificates.get(0);
        this.issuers = List.copyOf(certificates);
        this.key = key;
    }

    /**
     * @param certificateFile PEM: the CA certificate first, optionally followed by its own issuers
     *     (sent along in every device's chain)
     * @param keyFile PEM private key of the first certificate (PKCS#8, SEC1 or PKCS#1, unencrypted)
     * @throws IllegalArgumentException naming the file and what is wrong
     */
    public static CertificateAuthority load(Path certificateFile, Path keyFile) {
        List<X509Certificate> certificates = PemFiles.certificates(certificateFile);
        X509Certificate ca = certificates.get(0);
        if (ca.getBasicConstraints() < 0) {
            throw new IllegalArgumentException(certificateFile + ": '" + ca.getSubjectX500Principal().getName()
                    + "' is not a CA certificate (no CA basic constraint)");
        }
        CertificateAuthority authority = new CertificateAuthority(certificates, PemFiles.privateKey(keyFile));
        Device probe = authority.issue("dpsemu-loadgen-probe");
        try {
            probe.certificateChain()[0].verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(keyFile + " is not the private key of the CA certificate in "
                    + certificateFile, e);
        }
        return authority;
    }

    /** A device with a new key pair and a leaf for {@code registrationId}, chained to this CA. */
    public Device issue(String registrationId) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Principal subject = new X500Principal(new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.CN, registrationId).build().getEncoded());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate,
                    new BigInteger(63, random).add(BigInteger.ONE), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(LIFETIME)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate));
            X509Certificate leaf = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(signatureAlgorithm()).build(key)));
            List<X509Certificate> chain = new ArrayList<>(issuers.size() + 1);
            chain.add(leaf);
            chain.addAll(issuers);
            return new Device(registrationId, null, pair.getPrivate(), chain.toArray(X509Certificate[]::new));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for '" + registrationId + "': "
                    + e.getMessage(), e);
        }
    }

    private String signatureAlgorithm() {
        return switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("the CA key is " + key.getAlgorithm()
                    + "; EC and RSA keys are supported");
        };
    }
}
