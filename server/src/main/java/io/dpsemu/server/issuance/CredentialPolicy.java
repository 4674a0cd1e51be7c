package io.dpsemu.server.issuance;

import io.dpsemu.protocol.auth.RegistrationIds;
import io.dpsemu.server.metrics.CertificateRefusal;
import io.dpsemu.server.tls.CertificateIssuer;
import io.dpsemu.server.tls.KeyMaterial;
import io.dpsemu.server.x509.CertificateFacts;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A named issuer: the CA that signs the certificates devices request, and the rules it signs by. Immutable;
 * {@link #issue} may be called from any thread.
 */
public final class CredentialPolicy {

    private final String name;
    private final KeyMaterial ca;
    private final Duration validity;
    private final KeyRules keyRules;
    private final String signatureAlgorithm;
    private final int maxCsrChars;
    /** No certificate can outlive a certificate of its chain and still validate. */
    private final Instant latestNotAfter;

    CredentialPolicy(String name, KeyMaterial ca, Duration validity, KeyRules keyRules, String signatureAlgorithm,
                     int maxCsrChars) {
        this.name = name;
        this.ca = ca;
        this.validity = validity;
        this.keyRules = keyRules;
        this.signatureAlgorithm = signatureAlgorithm;
        this.maxCsrChars = maxCsrChars;
        this.latestNotAfter = ca.chain().stream().map(c -> c.getNotAfter().toInstant())
                .min(Comparator.naturalOrder()).orElseThrow();
    }

    public String name() {
        return name;
    }

    /**
     * Checks the CSR (base64 DER PKCS#10, no PEM armour) and signs a leaf for its key: CN and DNS name the
     * registration id, client authentication only, valid from an hour before {@code now} for the policy's
     * validity, but never beyond a certificate of the issuer chain.
     *
     * @throws CsrRefusedException   with the reason the device is told
     * @throws IllegalStateException when the issuer chain has expired: the server's problem, not the device's
     */
    public IssuedCertificate issue(String registrationId, String csrBase64, Instant now) throws CsrRefusedException {
        SigningRequest request = SigningRequest.decode(csrBase64, maxCsrChars);
        keyRules.check(request.keyInfo());
        PublicKey key = request.verifiedKey();
        checkSubject(request.commonNames(), registrationId);
        RequestedExtensions.check(request.requestedExtensions(), registrationId,
                CertificateIssuer.provisionedKeyUsage(key));
        Instant notAfter = now.plus(validity).isAfter(latestNotAfter) ? latestNotAfter : now.plus(validity);
        if (!notAfter.isAfter(now)) {
            throw new IllegalStateException("credential policy '" + name + "' cannot issue certificates: its chain"
                    + " expired at " + latestNotAfter);
        }
        X509Certificate leaf = CertificateIssuer.provisionedDeviceCertificate(key, registrationId, ca.leaf(),
                ca.privateKey(), signatureAlgorithm, now.minus(CertificateIssuer.BACKDATE), notAfter);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(ca.chain());
        return new IssuedCertificate(leaf, chain);
    }

    /** The issuing CA first, then each issuer, the root last. */
    public List<X509Certificate> issuerChain() {
        return ca.chain();
    }

    /** How long issued certificates are valid, unless the issuer chain ends sooner. */
    public Duration validity() {
        return validity;
    }

    /** For the start-up log: name, issuer subject and validity. */
    public String describe() {
        return name + " (issuer " + CertificateFacts.describe(ca.leaf()) + ", " + validity.toDays() + " days, "
                + String.join("/", keyRules.keyTypes()) + ", " + signatureAlgorithm + ")";
    }

    private static void checkSubject(List<String> commonNames, String registrationId) throws CsrRefusedException {
        if (commonNames.isEmpty()) {
            throw new CsrRefusedException(CertificateRefusal.SUBJECT,
                    "the csr's subject has no CN; it must be CN=" + registrationId);
        }
        if (commonNames.size() > 1) {
            throw new CsrRefusedException(CertificateRefusal.SUBJECT, "the csr's subject has " + commonNames.size()
                    + " CNs; it must have one, the registration id " + registrationId);
        }
        String commonName = commonNames.get(0);
        if (!RegistrationIds.normalize(commonName).equals(RegistrationIds.normalize(registrationId))) {
            throw new CsrRefusedException(CertificateRefusal.SUBJECT, "the csr's CN '" + commonName
                    + "' is not the registration id '" + registrationId + "'");
        }
    }
}
