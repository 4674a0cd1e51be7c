package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.auth.SasCheck;
import io.dpsemu.protocol.auth.SasToken;
import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.SymmetricKeyAttestation;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.protocol.model.X509RegistrationResult;
import io.dpsemu.server.device.DeviceIdentity;
import io.dpsemu.server.x509.CertificateFacts;
import io.dpsemu.server.x509.X509Decision;
import io.dpsemu.server.x509.X509Matcher;
import io.dpsemu.store.IssuedCertificateRecord;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.Store;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides which enrollment attests a device, or why none does (docs/architecture.md#decisions: the
 * credentials are checked when the device registers). An individual enrollment for the
 * registration id takes precedence; otherwise the first symmetric-key group whose derived key
 * signed the token. A client certificate is matched against the X.509 enrollments, then against the
 * certificate this server issued to the device, if any. Runs on store threads: it reads the store.
 */
public final class DeviceAuthenticator {

    private final Store store;
    private final EnrollmentCache enrollments;
    private final SasVerifier verifier;
    private final String idScope;
    private final Clock clock;

    public DeviceAuthenticator(Store store, SasVerifier verifier, String idScope, Clock clock) {
        this.store = store;
        this.enrollments = new EnrollmentCache(store);
        this.verifier = verifier;
        this.idScope = idScope;
        this.clock = clock;
    }

    public AuthOutcome authenticate(DeviceIdentity identity) {
        if (!idScope.equalsIgnoreCase(identity.idScope())) {
            return refused("id scope '" + identity.idScope() + "' is not served here");
        }
        if (identity.attestsWithCertificate()) {
            return checkCertificate(identity);
        }
        if (identity.sasToken() == null || identity.sasToken().isEmpty()) {
            return refused("no credentials: send a SAS token, or a client certificate in the TLS handshake");
        }
        SasToken token;
        try {
            token = SasToken.parse(identity.sasToken());
        } catch (DpsProtocolException e) {
            return refused("malformed SAS token: " + e.getMessage());
        }
        Optional<IndividualEnrollment> individual = individualEnrollment(identity.registrationId());
        if (individual.isPresent()) {
            return checkIndividual(identity, token, individual.get());
        }
        return checkGroups(identity, token);
    }

    private AuthOutcome checkIndividual(DeviceIdentity identity, SasToken token, IndividualEnrollment enrollment) {
        SymmetricKeyAttestation keys = symmetricKeys(enrollment.attestation());
        if (keys == null) {
            return refused("the enrollment of '" + identity.registrationId() + "' uses "
                    + typeOf(enrollment.attestation()) + " attestation, not a symmetric key");
        }
        SasCheck check =
                verifier.verify(token, identity.sasResource(), keyList(keys.primaryKey(), keys.secondaryKey()));
        if (check == SasCheck.VALID) {
            return new AuthOutcome.Attested(new EnrollmentMatch.Individual(enrollment), null);
        }
        return refused(explain(check, token, identity, "neither key of the individual enrollment"));
    }

    private AuthOutcome checkGroups(DeviceIdentity identity, SasToken token) {
        List<EnrollmentGroup> candidates = enrollments.symmetricKeyGroups();
        SasCheck best = null;
        for (EnrollmentGroup group : candidates) {
            SymmetricKeyAttestation keys = group.attestation().symmetricKey();
            if (keys == null) {
                continue;
            }
            List<String> derived = keyList(derive(keys.primaryKey(), identity.registrationId()),
                    derive(keys.secondaryKey(), identity.registrationId()));
            SasCheck check = verifier.verify(token, identity.sasResource(), derived);
            if (check == SasCheck.VALID) {
                return new AuthOutcome.Attested(new EnrollmentMatch.Group(group), null);
            }
            if (check == SasCheck.EXPIRED || check == SasCheck.RESOURCE_MISMATCH) {
                best = check;
            }
        }
        if (best != null) {
            return refused(explain(best, token, identity, null));
        }
        if (candidates.isEmpty()) {
            return new AuthOutcome.Refused(ErrorCodes.INVALID_CREDENTIALS,
                    "unknown registration: no enrollment for '" + identity.registrationId()
                            + "' and no symmetric-key enrollment group exists");
        }
        return new AuthOutcome.Refused(ErrorCodes.INVALID_CREDENTIALS,
                "no individual enrollment for '" + identity.registrationId() + "', and the token's signature matches "
                        + "no key derived from the " + candidates.size() + " symmetric-key enrollment group(s)");
    }

    private AuthOutcome checkCertificate(DeviceIdentity identity) {
        X509Decision decision = X509Matcher.decide(identity.certificateChain(), identity.registrationId(),
                individualEnrollment(identity.registrationId()).orElse(null), enrollments.x509Groups(),
                clock.instant());
        if (decision instanceof X509Decision.Individual individual) {
            return new AuthOutcome.Attested(new EnrollmentMatch.Individual(individual.enrollment()),
                    individual.result());
        }
        if (decision instanceof X509Decision.Group group) {
            return new AuthOutcome.Attested(new EnrollmentMatch.Group(group.group()), group.result());
        }
        String refusal = ((X509Decision.Refused) decision).reason();
        return byIssuedCertificate(identity, refusal)
                .orElseGet(() -> new AuthOutcome.Refused(ErrorCodes.INVALID_CREDENTIALS, refusal));
    }

    /**
     * A certificate this server issued at the device's latest registration attests the device through the
     * enrollment that requested it, with no X.509 enrollment for it: the record says which enrollment that was
     * and which certificate is current, so a renewal retires the old one and deleting the registration record
     * retires both. Looked up only when no X.509 enrollment accepts the chain, so those keep precedence.
     *
     * @param refusal why the X.509 enrollments refused the chain, kept when the certificate is not a current issued one
     */
    private Optional<AuthOutcome> byIssuedCertificate(DeviceIdentity identity, String refusal) {
        X509Certificate leaf = identity.certificateChain().get(0);
        RegistrationRecord record = store.findRegistration(identity.registrationId()).orElse(null);
        if (record == null || record.issuedCertificate() == null) {
            return Optional.empty();
        }
        String thumbprint = CertificateFacts.sha256(leaf);
        Instant now = clock.instant();
        if (!CertificateRequests.isCurrent(record.issuedCertificate(), thumbprint, now)) {
            return retiredIssuedCertificate(record, thumbprint, now, refusal);
        }
        String groupId = record.enrollmentGroupId();
        Optional<EnrollmentMatch> match = groupId == null
                ? individualEnrollment(identity.registrationId()).map(EnrollmentMatch.Individual::new)
                : store.findGroup(groupId).map(EnrollmentMatch.Group::new);
        return match.map(enrollment -> new AuthOutcome.Attested(enrollment,
                new X509RegistrationResult(CertificateFacts.info(leaf), groupId, null)));
    }

    /** A refusal that says so when the device presents an issued certificate that was renewed or has expired. */
    private static Optional<AuthOutcome> retiredIssuedCertificate(RegistrationRecord record, String thumbprint,
            Instant now, String refusal) {
        IssuedCertificateRecord current = record.issuedCertificate();
        String why = null;
        if (current.sha256Thumbprint().equalsIgnoreCase(thumbprint)) {
            why = "the certificate issued to '" + record.registrationId() + "' (serial " + current.serialNumber()
                    + ") expired at " + current.notAfterUtc() + " (server time " + now + ")";
        } else if (record.supersededCertificates() != null) {
            why = record.supersededCertificates().stream()
                    .filter(old -> old.sha256Thumbprint().equalsIgnoreCase(thumbprint)).findFirst()
                    .map(old -> "the certificate issued to '" + record.registrationId() + "' (serial "
                            + old.serialNumber() + ") was superseded at " + old.supersededDateTimeUtc()
                            + " by serial " + current.serialNumber())
                    .orElse(null);
        }
        return why == null ? Optional.empty()
                : Optional.of(new AuthOutcome.Refused(ErrorCodes.INVALID_CREDENTIALS, why + "; " + refusal));
    }

    private String explain(SasCheck check, SasToken token, DeviceIdentity identity, String keysDescription) {
        return switch (check) {
            case RESOURCE_MISMATCH -> "the SAS token is for '" + token.resource() + "', expected '"
                    + identity.sasResource() + "'";
            case EXPIRED -> "the SAS token expired at " + Instant.ofEpochSecond(token.expiryEpochSeconds())
                    + " (server time " + clock.instant() + ")";
            case SIGNATURE_MISMATCH -> "the SAS token's signature matches " + keysDescription;
            case VALID -> throw new IllegalStateException("a valid token is not a refusal");
        };
    }

    private static SymmetricKeyAttestation symmetricKeys(AttestationMechanism attestation) {
        if (attestation == null || attestation.type() != AttestationType.SYMMETRIC_KEY) {
            return null;
        }
        return attestation.symmetricKey();
    }

    private static String typeOf(AttestationMechanism attestation) {
        return attestation == null || attestation.type() == null ? "no" : attestation.type().wire();
    }

    private Optional<IndividualEnrollment> individualEnrollment(String registrationId) {
        return enrollments.mayHaveIndividualEnrollments() ? store.findEnrollment(registrationId) : Optional.empty();
    }

    private static String derive(String groupKey, String registrationId) {
        if (groupKey == null || groupKey.isEmpty()) {
            return null;
        }
        try {
            return DerivedKeys.deviceKey(groupKey, registrationId);
        } catch (IllegalArgumentException badKey) {
            return null;
        }
    }

    private static List<String> keyList(String primary, String secondary) {
        List<String> keys = new ArrayList<>(2);
        if (primary != null) {
            keys.add(primary);
        }
        if (secondary != null) {
            keys.add(secondary);
        }
        return keys;
    }

    private static AuthOutcome refused(String reason) {
        return new AuthOutcome.Refused(ErrorCodes.UNAUTHORIZED, reason);
    }
}
