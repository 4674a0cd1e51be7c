package io.dpsemu.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** Key pairs, device certificates and PEM files for tests. */
final class TestPki {

    private TestPki() {
    }

    static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed certificate such as a device might present. */
    static X509Certificate selfSignedDeviceCertificate(KeyPair keys, String commonName) {
        try {
            X500Name name = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            String algorithm = keys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                    name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic())
                    .build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Path writeCertificates(Path file, List<X509Certificate> certificates) {
        return write(file, certificates.toArray());
    }

    /** PKCS#1, the "traditional" OpenSSL format for RSA keys. */
    static Path writePkcs1Key(Path file, PrivateKey key) {
        return write(file, key);
    }

    /**
     * A SEC1 key as {@code openssl ecparam -genkey} writes it: an EC PARAMETERS block, then the key with its
     * curve and, optionally, its public key.
     */
    static Path writeSec1Key(Path file, ECPrivateKey key, PublicKey publicKey, boolean withPublicKey) {
        SubjectPublicKeyInfo publicKeyInfo = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
        ASN1Primitive curve = publicKeyInfo.getAlgorithm().getParameters().toASN1Primitive();
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                key.getParams().getOrder().bitLength(), key.getS(),
                withPublicKey ? publicKeyInfo.getPublicKeyData() : null, curve);
        try {
            return write(file, new PemObject("EC PARAMETERS", curve.getEncoded()),
                    new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path writeEncryptedKey(Path file, PrivateKey key) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            // OpenSSL's legacy key derivation is only in BouncyCastle's provider: a local instance, never registered.
            writer.writeObject(key, new JcePEMEncryptorBuilder("AES-128-CBC")
                    .setProvider(new BouncyCastleProvider()).build("secret".toCharArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return writeString(file, text.toString());
    }

    static Path writeString(Path file, String content) {
        try {
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path file, Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return writeString(file, text.toString());
    }
}
