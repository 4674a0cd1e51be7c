package io.dpsemu.server.provisioning;

import io.dpsemu.server.device.DeviceClient;
import io.dpsemu.server.issuance.CredentialPolicies;
import io.dpsemu.server.issuance.CredentialPolicy;
import io.dpsemu.server.issuance.CsrRefusedException;
import io.dpsemu.server.issuance.IssuedCertificate;
import io.dpsemu.server.metrics.CertificateRefusal;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.EventLog;
import io.dpsemu.store.IssuedCertificateRecord;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The certificate a register asks for with a {@code csr}: which credential policy signs it (the
 * enrollment's {@code credentialPolicyName}, else {@code issuance.defaultPolicy}) and the signed
 * certificate, or why the device gets none. Decided at admission, before the device's {@code 202}, so a
 * refused request is a {@code 400} the device can read rather than a failed operation; the certificate
 * is recorded with the registration and only reaches the device with the assigned result.
 */
final class CertificateRequests {

    /** What the register's {@code csr} led to. */
    sealed interface Decision {
    }

    /** No certificate was asked for (no {@code csr}, or an api-version without issuance). */
    record NotRequested() implements Decision {
    }

    record Issued(String policy, IssuedCertificate certificate) implements Decision {
    }

    record Refused(String reason) implements Decision {
    }

    static final Decision NOT_REQUESTED = new NotRequested();

    private final CredentialPolicies policies;
    private final DpsMetrics metrics;

    CertificateRequests(CredentialPolicies policies, DpsMetrics metrics) {
        this.policies = policies;
        this.metrics = metrics;
        metrics.credentialPolicies(policies.names());
    }

    /** On a store thread: the device's credentials are proved and {@code match} is its enrollment. */
    Decision decide(String registrationId, DeviceClient client, String csr, EnrollmentMatch match) {
        if (csr == null) {
            return NOT_REQUESTED;
        }
        if (!client.mayRequestCertificate()) {
            EventLog.certificateRequestIgnored(registrationId, client.transport(), client.apiVersion(),
                    DeviceClient.CERTIFICATE_ISSUANCE_SINCE);
            return NOT_REQUESTED;
        }
        Optional<String> name = Optional.ofNullable(match.credentialPolicyName()).or(policies::defaultPolicyName);
        if (name.isEmpty()) {
            return refused(registrationId, client, CertificateRefusal.NO_POLICY, (match.enrollmentGroupId() == null
                    ? "the individual enrollment" : "the enrollment group '" + match.enrollmentGroupId() + "'")
                    + " names no credentialPolicyName and issuance.defaultPolicy is empty");
        }
        Optional<CredentialPolicy> policy = policies.find(name.get());
        if (policy.isEmpty()) {
            return refused(registrationId, client, CertificateRefusal.UNKNOWN_POLICY,
                    "credential policy '" + name.get() + "' is not configured on this server (issuance.policies)");
        }
        try {
            IssuedCertificate issued = policy.get().issue(registrationId, csr, Instant.now());
            metrics.certificateIssued(name.get());
            EventLog.certificateIssued(registrationId, client.transport(), name.get(), issued.serialNumber(),
                    issued.sha256Thumbprint(), issued.certificate().getNotAfter().toInstant());
            return new Issued(name.get(), issued);
        } catch (CsrRefusedException e) {
            return refused(registrationId, client, e.reason(), e.getMessage());
        }
    }

    /** What the registration record keeps of an issued certificate. */
    static IssuedCertificateRecord recordOf(Issued issued) {
        IssuedCertificate certificate = issued.certificate();
        X509Certificate leaf = certificate.certificate();
        return new IssuedCertificateRecord(issued.policy(), certificate.serialNumber(), certificate.sha256Thumbprint(),
                leaf.getSubjectX500Principal().getName(), leaf.getNotBefore().toInstant(),
                leaf.getNotAfter().toInstant(), Instant.now().truncatedTo(ChronoUnit.MICROS),
                certificate.chainBase64().get(0), null);
    }

    /** Whether {@code leafSha256} is the current, unexpired certificate issued to the record's device. */
    static boolean isCurrent(IssuedCertificateRecord issued, String leafSha256, Instant now) {
        return issued != null && issued.certificate() != null && issued.sha256Thumbprint().equalsIgnoreCase(leafSha256)
                && now.isBefore(issued.notAfterUtc());
    }

    private Decision refused(String registrationId, DeviceClient client, CertificateRefusal why, String reason) {
        metrics.certificateRefused(why);
        EventLog.certificateRefused(registrationId, client.transport(), reason);
        return new Refused("certificate signing request refused: " + reason);
    }
}
