package io.dpsemu.server.x509;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Checks that a device's chain leads, signature by signature, to an enrolled certificate, with
 * validity dates, CA basic constraints and key usage checked (the JDK's PKIX validator, revocation
 * off: plants run their own CRL policy). The enrolled certificate itself is checked too, since PKIX
 * trusts its anchor blindly. Problems come back as sentences naming the certificate and the reason.
 */
final class ChainVerifier {

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final int KEY_CERT_SIGN = 5;

    private ChainVerifier() {
    }

    /**
     * @param path   the leaf first, then each issuer, up to the certificate the anchor signed
     * @param anchor the enrolled signing certificate
     * @return null when the chain is good, else why not
     */
    static String problem(List<X509Certificate> path, X509Certificate anchor, Instant now) {
        String leafProblem = leafProblem(path.get(0), now);
        if (leafProblem != null) {
            return leafProblem;
        }
        String anchorProblem = validity(anchor, now, "enrolled certificate");
        if (anchorProblem != null) {
            return anchorProblem;
        }
        for (X509Certificate certificate : path) {
            String weak = CryptoStrength.weakness(certificate);
            if (weak != null) {
                return weak;
            }
        }
        if (anchor.getBasicConstraints() < 0) {
            return "the enrolled certificate " + CertificateFacts.describe(anchor) + " is not a CA certificate";
        }
        boolean[] usage = anchor.getKeyUsage();
        if (usage != null && !usage[KEY_CERT_SIGN]) {
            return "the enrolled certificate " + CertificateFacts.describe(anchor) + " may not sign certificates "
                    + "(no keyCertSign key usage)";
        }
        try {
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return anchorPathLengthProblem(path, anchor);
        } catch (CertPathValidatorException e) {
            return explain(e, path, now);
        } catch (InvalidAlgorithmParameterException e) {
            return "the enrolled certificate cannot anchor a chain: " + e.getMessage();
        } catch (GeneralSecurityException e) {
            return "the certificate chain cannot be checked: " + e.getMessage();
        }
    }

    /**
     * The JDK's PKIX validator ignores the anchor's own path length constraint: count the CA
     * certificates below the enrolled certificate (self-issued ones do not count, RFC 5280 6.1.4).
     */
    private static String anchorPathLengthProblem(List<X509Certificate> path, X509Certificate anchor) {
        int allowed = anchor.getBasicConstraints();
        int below = 0;
        for (X509Certificate certificate : path.subList(1, path.size())) {
            if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                below++;
            }
        }
        if (below > allowed) {
            return "the chain is longer than the path length constraint of the enrolled certificate "
                    + CertificateFacts.describe(anchor) + " allows (" + below + " CA certificate(s) below it, at most "
                    + allowed + ")";
        }
        return null;
    }

    /** The leaf alone: its dates, and that it may authenticate a client. */
    static String leafProblem(X509Certificate leaf, Instant now) {
        String dates = validity(leaf, now, "device certificate");
        if (dates != null) {
            return dates;
        }
        String weak = CryptoStrength.weakness(leaf);
        if (weak != null) {
            return weak;
        }
        try {
            List<String> purposes = leaf.getExtendedKeyUsage();
            if (purposes != null && !purposes.contains(CLIENT_AUTH) && !purposes.contains(ANY_EXTENDED_KEY_USAGE)) {
                return "the device certificate " + CertificateFacts.describe(leaf)
                        + " is not for client authentication (its extended key usage lacks clientAuth)";
            }
            return null;
        } catch (CertificateParsingException e) {
            return "the device certificate's extended key usage cannot be read: " + e.getMessage();
        }
    }

    private static String validity(X509Certificate certificate, Instant now, String role) {
        try {
            certificate.checkValidity(Date.from(now));
            return null;
        } catch (CertificateExpiredException e) {
            return "the " + role + " " + CertificateFacts.describe(certificate) + " expired at "
                    + certificate.getNotAfter().toInstant();
        } catch (CertificateNotYetValidException e) {
            return "the " + role + " " + CertificateFacts.describe(certificate) + " is not valid before "
                    + certificate.getNotBefore().toInstant();
        }
    }

    private static String explain(CertPathValidatorException e, List<X509Certificate> path, Instant now) {
        int index = e.getIndex();
        X509Certificate at = index >= 0 && index < path.size() ? path.get(index) : null;
        String which = at == null ? "a certificate of the chain" : "the certificate " + CertificateFacts.describe(at);
        if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            String dates = at == null ? null : validity(at, now, "chain certificate");
            return dates != null ? dates : which + " is outside its validity period";
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            return which + " is not signed by the certificate above it";
        }
        if (e.getReason() == PKIXReason.NOT_CA_CERT) {
            return which + " signs another certificate but is not a CA certificate";
        }
        if (e.getReason() == PKIXReason.INVALID_KEY_USAGE) {
            return which + " signs another certificate but lacks the keyCertSign key usage";
        }
        if (e.getReason() == PKIXReason.PATH_TOO_LONG) {
            return "the chain is longer than a CA's path length constraint allows at " + which;
        }
        if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) {
            return "the chain does not lead to the enrolled certificate";
        }
        return which + " is not acceptable: " + e.getMessage();
    }
}
