package io.dpsemu.server.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/** A private key and the certificate chain it belongs to, checked to match when loaded. */
public record KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {

    public KeyMaterial {
        chain = List.copyOf(chain);
    }

    /** The certificate the key belongs to. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * Reads a chain (the key's certificate first) and its private key.
     *
     * @throws IllegalArgumentException naming the file, if either is unreadable, or the key is neither EC nor
     *                                  RSA, or does not match the first certificate
     */
    public static KeyMaterial load(Path chainFile, Path keyFile) {
        List<X509Certificate> chain = Pem.readCertificates(chainFile);
        PrivateKey key = Pem.readPrivateKey(keyFile);
        String algorithm = signatureAlgorithm(key);
        if (algorithm == null) {
            throw Pem.invalid(keyFile, "unsupported key type " + key.getAlgorithm() + " (use an EC or RSA key)", null);
        }
        if (!matches(key, chain.get(0).getPublicKey(), algorithm)) {
            throw Pem.invalid(keyFile, "the private key does not match the first certificate in " + chainFile
                    + " (the server certificate must come first, followed by its issuers)", null);
        }
        return new KeyMaterial(key, chain);
    }

    /** Whether {@code key} is an EC or RSA key belonging to {@code certificate}. */
    public static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = signatureAlgorithm(key);
        return algorithm != null && matches(key, certificate.getPublicKey(), algorithm);
    }

    /** The SHA-256 signature algorithm for an EC or RSA key; null for any other key type. */
    public static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null;
        };
    }

    /** A signed probe proves the pair without key-type arithmetic such as deriving an EC public point. */
    private static boolean matches(PrivateKey privateKey, PublicKey publicKey, String algorithm) {
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        byte[] probe = "dpsemu key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
