package io.dpsemu.server.x509;

import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.X509Attestation;
import io.dpsemu.protocol.enrollment.X509CertificateWithInfo;
import io.dpsemu.protocol.model.X509RegistrationResult;
import io.dpsemu.server.tls.Pem;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which enrollment a certificate chain attests to, in DPS's order (docs/protocol-notes.md#x509-attestation):
 * an individual enrollment of the registration id decides by its enrolled leaf; otherwise walk up the
 * presented chain (first intermediate, next, ..., then the issuer of the last certificate sent) and
 * take the first X.509 group whose signing certificate or CA reference is found there. The first match
 * decides; the chain is then verified up to that certificate. A certificate is compared by its
 * SHA-256 thumbprint, so a self-made certificate with an enrolled CN matches nothing.
 */
public final class X509Matcher {

    /** DPS's limit: the registration id of an X.509 device is its certificate's CN. */
    public static final int MAX_CN_LENGTH = 64;

    private X509Matcher() {
    }

    /**
     * @param chain      the chain the device presented in TLS: its leaf first
     * @param individual the individual enrollment of the registration id, or null
     * @param groups     the X.509 enrollment groups, in a stable order
     */
    public static X509Decision decide(List<X509Certificate> chain, String registrationId,
            IndividualEnrollment individual, List<X509Group> groups, Instant now) {
        X509Certificate leaf = chain.get(0);
        String commonName = CertificateFacts.commonName(leaf);
        if (commonName == null || !commonName.equalsIgnoreCase(registrationId)) {
            return new X509Decision.Refused("the device certificate's CN '" + commonName
                    + "' differs from the registration id '" + registrationId + "'");
        }
        if (commonName.length() > MAX_CN_LENGTH) {
            return new X509Decision.Refused("the device certificate's CN is longer than " + MAX_CN_LENGTH
                    + " characters");
        }
        if (individual != null) {
            return decideIndividual(leaf, registrationId, individual, now);
        }
        return decideGroup(chain, registrationId, groups, now);
    }

    private static X509Decision decideIndividual(X509Certificate leaf, String registrationId,
            IndividualEnrollment individual, Instant now) {
        X509Attestation x509 = individual.attestation() == null ? null : individual.attestation().x509();
        if (individual.attestation() == null || individual.attestation().type() != AttestationType.X509
                || x509 == null || x509.clientCertificates() == null) {
            return new X509Decision.Refused("the individual enrollment of '" + registrationId
                    + "' does not use X.509 client certificates, but the device presented one");
        }
        String presented = CertificateFacts.sha256(leaf);
        if (!presented.equals(thumbprint(x509.clientCertificates().primary()))
                && !presented.equals(thumbprint(x509.clientCertificates().secondary()))) {
            return new X509Decision.Refused("the device certificate (SHA-256 " + presented
                    + ") is not one of the certificates enrolled for '" + registrationId + "'");
        }
        String problem = ChainVerifier.leafProblem(leaf, now);
        if (problem != null) {
            return new X509Decision.Refused(problem);
        }
        return new X509Decision.Individual(individual,
                new X509RegistrationResult(CertificateFacts.info(leaf), null, null));
    }

    private static X509Decision decideGroup(List<X509Certificate> chain, String registrationId,
            List<X509Group> groups, Instant now) {
        for (int position = 1; position <= chain.size(); position++) {
            for (X509Group group : groups) {
                for (X509Certificate signer : group.signers()) {
                    boolean found = position < chain.size()
                            ? CertificateFacts.sha256(signer).equals(CertificateFacts.sha256(chain.get(position)))
                            : CertificateFacts.isSignedBy(chain.get(position - 1), signer);
                    if (found) {
                        return verified(chain.subList(0, position), signer, group, now);
                    }
                }
            }
        }
        return new X509Decision.Refused("no individual enrollment for '" + registrationId
                + "', and no X.509 enrollment group's signing certificate or CA reference is in or issues the "
                + "presented chain of " + chain.size() + " certificate(s)");
    }

    private static X509Decision verified(List<X509Certificate> path, X509Certificate signer, X509Group group,
            Instant now) {
        String problem = ChainVerifier.problem(new ArrayList<>(path), signer, now);
        if (problem != null) {
            return new X509Decision.Refused(problem + " (enrollment group '" + group.group().enrollmentGroupId()
                    + "')");
        }
        return new X509Decision.Group(group.group(), new X509RegistrationResult(CertificateFacts.info(path.get(0)),
                group.group().enrollmentGroupId(), CertificateFacts.info(signer)));
    }

    private static String thumbprint(X509CertificateWithInfo enrolled) {
        if (enrolled == null || enrolled.certificate() == null) {
            return null;
        }
        try {
            return CertificateFacts.sha256(Pem.parseCertificate(enrolled.certificate()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
