package io.dpsemu.server.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds certificates with BouncyCastle: the local CA and server certificates of the TLS layer, and the
 * root, intermediate and device certificates of {@code dpsemu cert}. Signing and key generation use the
 * JDK's own providers, so no BouncyCastle JCA provider is installed. Certificates are signed with SHA-256
 * and the issuer's key type (ECDSA or RSA PKCS#1 v1.5).
 */
public final class CertificateIssuer {

    /** How far generated certificates are backdated by default: tolerates device clocks running behind. */
    public static final Duration BACKDATE = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int RSA_BITS = 2048;
    /** Labels of letters, digits and inner hyphens: what the JDK accepts as a dNSName. */
    private static final String DNS_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)" + DNS_LABEL + "(\\." + DNS_LABEL + ")*");

    private CertificateIssuer() {
    }

    static KeyPair newP256KeyPair() {
        return newKeyPair(KeyType.EC);
    }

    /** A fresh key pair: P-256 for {@link KeyType#EC}, 2048-bit for {@link KeyType#RSA}. */
    public static KeyPair newKeyPair(KeyType type) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type.name());
            switch (type) {
                case EC -> generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                case RSA -> generator.initialize(RSA_BITS, RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate " + type.description() + " keys", e);
        }
    }

    /** The local CA of the TLS layer: valid from {@code now} minus {@link #BACKDATE} to {@code now + validity}. */
    static X509Certificate selfSignedCa(KeyPair keys, String commonName, Instant now, Duration validity) {
        return rootCa(keys, commonName, now.minus(BACKDATE), now.plus(validity));
    }

    /**
     * A self-signed root CA: basicConstraints CA:true without a path length limit and keyUsage
     * keyCertSign + cRLSign (both critical), and a subject key identifier.
     */
    public static X509Certificate rootCa(KeyPair keys, String commonName, Instant notBefore, Instant notAfter) {
        X500Name subject = commonName(commonName);
        try {
            X509v3CertificateBuilder builder = builder(subject, subject, keys.getPublic(), notBefore, notAfter);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return sign(builder, keys.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build the CA certificate", e);
        }
    }

    /**
     * A CA certificate signed by {@code issuer}: basicConstraints CA:true with {@code pathLength} and keyUsage
     * keyCertSign + cRLSign (both critical), subject and authority key identifiers.
     *
     * @param pathLength how many further CA certificates may follow it in a chain; 0 means it signs only leaves
     */
    public static X509Certificate intermediateCa(PublicKey key, String commonName, int pathLength,
                                                 X509Certificate issuer, PrivateKey issuerKey,
                                                 Instant notBefore, Instant notAfter) {
        if (pathLength < 0) {
            throw new IllegalArgumentException("path length must not be negative: " + pathLength);
        }
        try {
            X509v3CertificateBuilder builder =
                    builder(nameOf(issuer), commonName(commonName), key, notBefore, notAfter);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(issuer));
            return sign(builder, issuerKey);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build the intermediate CA certificate", e);
        }
    }

    /**
     * A device (TLS client) certificate whose CN is the registration id: basicConstraints CA:false and keyUsage
     * digitalSignature, plus keyEncipherment for an RSA key (both critical), extendedKeyUsage clientAuth,
     * subject and authority key identifiers. No subject alternative name: some SDKs would take a DNS name
     * as the registration id instead of the CN.
     */
    public static X509Certificate deviceCertificate(PublicKey key, String registrationId,
                                                    X509Certificate issuer, PrivateKey issuerKey,
                                                    Instant notBefore, Instant notAfter) {
        try {
            X509v3CertificateBuilder builder =
                    builder(nameOf(issuer), commonName(registrationId), key, notBefore, notAfter);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            int usage = "RSA".equals(key.getAlgorithm())
                    ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                    : KeyUsage.digitalSignature;
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(issuer));
            return sign(builder, issuerKey);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build the device certificate", e);
        }
    }

    /**
     * A device certificate issued at provisioning for the key of a certificate signing request: subject CN the
     * registration id and nothing else, subjectAltName dNSName the registration id when it is a DNS name (the
     * JDK refuses a certificate with '_' or ':' in one), basicConstraints CA:false and keyUsage
     * {@link #provisionedKeyUsage} (both critical), extendedKeyUsage clientAuth, subject and authority key
     * identifiers. Nothing of the request but its key is used.
     *
     * @param signatureAlgorithm a JCA name fitting {@code issuerKey}, e.g. SHA384withECDSA
     */
    public static X509Certificate provisionedDeviceCertificate(PublicKey key, String registrationId,
                                                               X509Certificate issuer, PrivateKey issuerKey,
                                                               String signatureAlgorithm,
                                                               Instant notBefore, Instant notAfter) {
        try {
            X509v3CertificateBuilder builder =
                    builder(nameOf(issuer), commonName(registrationId), key, notBefore, notAfter);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(provisionedKeyUsage(key)));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            if (DNS_NAME.matcher(registrationId).matches()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, registrationId)));
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(issuer));
            return sign(builder, issuerKey, signatureAlgorithm);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build the device certificate", e);
        }
    }

    /**
     * The key usage of a {@link #provisionedDeviceCertificate}: digitalSignature, plus keyAgreement for an EC
     * key (ECDH key exchange) or keyEncipherment for an RSA key (RSA key transport), as BouncyCastle bits.
     */
    public static int provisionedKeyUsage(PublicKey key) {
        return KeyUsage.digitalSignature
                | ("RSA".equals(key.getAlgorithm()) ? KeyUsage.keyEncipherment : KeyUsage.keyAgreement);
    }

    static X509Certificate serverCertificate(PublicKey serverKey, String commonName, Collection<SubjectName> names,
                                             X509Certificate ca, PrivateKey caKey, Instant now, Duration validity) {
        try {
            X509v3CertificateBuilder builder = builder(nameOf(ca), commonName(commonName), serverKey,
                    now.minus(BACKDATE), now.plus(validity));
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.stream().map(SubjectName::toGeneralName).toArray(GeneralName[]::new)));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(serverKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
            return sign(builder, caKey);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build the server certificate", e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key,
                                                    Instant notBefore, Instant notAfter) {
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
        return new JcaX509v3CertificateBuilder(issuer, serialNumber(), Date.from(notBefore), Date.from(notAfter),
                subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        String algorithm = KeyMaterial.signatureAlgorithm(signer);
        if (algorithm == null) {
            throw new IllegalArgumentException("cannot sign with a " + signer.getAlgorithm()
                    + " key (use an EC or RSA key)");
        }
        return sign(builder, signer, algorithm);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer, String algorithm)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** The issuer name exactly as encoded in the issuing certificate, so chains link byte for byte. */
    private static X500Name nameOf(X509Certificate issuer) {
        return X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    }

    private static X500Name commonName(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    /** Positive and at most 20 octets, as RFC 5280 requires. */
    private static BigInteger serialNumber() {
        return new BigInteger(159, RANDOM);
    }
}
