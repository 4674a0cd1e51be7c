package io.dpsemu.server.issuance;

import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.tls.KeyMaterial;
import io.dpsemu.server.tls.Pem;
import io.dpsemu.server.x509.CertificateFacts;
import io.dpsemu.server.x509.CryptoStrength;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * A plant's issuing CA from its two PEM files, checked so that every certificate it will sign validates:
 * the chain links up to a self-signed root, every certificate is a CA whose path length allows the
 * certificates below it, the issuing CA may sign certificates, all are within their dates and of sound
 * strength, and the key is the issuing CA's and its file is its owner's alone.
 */
final class IssuingCaFiles {

    private static final int KEY_CERT_SIGN = 5;
    private static final Set<PosixFilePermission> OWNER_ONLY = Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private final String configKey;
    private final String policyName;

    private IssuingCaFiles(String configKey, String policyName) {
        this.configKey = configKey;
        this.policyName = policyName;
    }

    /**
     * @param configKey the policy's configuration key, e.g. {@code issuance.policies[1]}, for messages
     * @throws ConfigException naming the key, the file and what is wrong
     */
    static KeyMaterial load(String configKey, String policyName, Path certificateFile, Path keyFile, Instant now) {
        return new IssuingCaFiles(configKey, policyName).load(certificateFile, keyFile, now);
    }

    private KeyMaterial load(Path certificateFile, Path keyFile, Instant now) {
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = Pem.readCertificates(certificateFile);
            requireOwnerOnly(keyFile);
            key = Pem.readPrivateKey(keyFile);
        } catch (IllegalArgumentException e) {
            throw problem(e.getMessage());
        }
        X509Certificate issuing = chain.get(0);
        if (!KeyMaterial.matches(key, issuing)) {
            throw problem(keyFile + ": the private key does not belong to the first certificate of "
                    + certificateFile + ", " + CertificateFacts.describe(issuing)
                    + " (the issuing CA comes first, then its issuers up to the root)");
        }
        boolean[] usage = issuing.getKeyUsage();
        if (usage == null || !usage[KEY_CERT_SIGN]) {
            throw problem(certificateFile + ": the issuing CA " + CertificateFacts.describe(issuing)
                    + " may not sign certificates (its key usage lacks keyCertSign)");
        }
        for (int i = 0; i < chain.size(); i++) {
            checkCertificate(certificateFile, chain, i, now);
        }
        return new KeyMaterial(key, chain);
    }

    private void checkCertificate(Path file, List<X509Certificate> chain, int index, Instant now) {
        X509Certificate certificate = chain.get(index);
        String which = file + ": " + CertificateFacts.describe(certificate);
        if (certificate.getBasicConstraints() < 0) {
            throw problem(which + " is not a CA certificate");
        }
        if (certificate.getBasicConstraints() < index) {
            throw problem(which + " allows " + certificate.getBasicConstraints() + " CA certificate(s) below it,"
                    + " but the chain puts " + index + " there (its path length constraint)");
        }
        boolean last = index == chain.size() - 1;
        X509Certificate issuer = last ? certificate : chain.get(index + 1);
        if (!CertificateFacts.isSignedBy(certificate, issuer)) {
            throw problem(last
                    ? which + " is not self-signed: the file must end with the root CA"
                    : which + " is not signed by the next certificate, " + CertificateFacts.describe(issuer)
                            + " (the issuing CA comes first, then each issuer up to the root)");
        }
        try {
            certificate.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw problem(which + " expired at " + certificate.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw problem(which + " is not valid before " + certificate.getNotBefore().toInstant());
        }
        String weakness = CryptoStrength.weakness(certificate);
        if (weakness != null) {
            throw problem(file + ": " + weakness);
        }
    }

    /** A CA key others can read is no longer the plant's alone: refused, as ssh refuses such a key. */
    private void requireOwnerOnly(Path keyFile) {
        PosixFileAttributeView posix = Files.getFileAttributeView(keyFile, PosixFileAttributeView.class);
        if (posix == null || !Files.exists(keyFile)) {
            return;
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = posix.readAttributes().permissions();
        } catch (IOException e) {
            throw problem(keyFile + ": cannot read its permissions (" + e.getMessage() + ")");
        }
        if (!OWNER_ONLY.containsAll(permissions)) {
            throw problem(keyFile + ": the CA's private key is accessible by group or others (mode "
                    + PosixFilePermissions.toString(permissions) + "); make it the owner's alone: chmod 600 "
                    + keyFile);
        }
    }

    private ConfigException problem(String message) {
        return new ConfigException("configuration key '" + configKey + "' (credential policy '" + policyName
                + "'): " + message);
    }
}
