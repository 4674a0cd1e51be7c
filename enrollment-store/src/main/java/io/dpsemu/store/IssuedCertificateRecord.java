package io.dpsemu.store;

import java.time.Instant;

/**
 * A certificate the server signed for a device from its certificate signing request, as its
 * registration record keeps it. {@code certificate} (the leaf, base64 DER) is kept only while the
 * certificate is the current one: a device reconnecting with it is matched against it, while a
 * superseded certificate is listed for the user only.
 *
 * @param credentialPolicyName  the policy that signed it
 * @param serialNumber          upper-case hex
 * @param sha256Thumbprint      upper-case hex of the DER's SHA-256
 * @param certificate           base64 DER of the leaf; null in superseded entries
 * @param supersededDateTimeUtc when a later certificate replaced it; null while it is the current one
 */
public record IssuedCertificateRecord(
        String credentialPolicyName,
        String serialNumber,
        String sha256Thumbprint,
        String subjectName,
        Instant notBeforeUtc,
        Instant notAfterUtc,
        Instant issuedDateTimeUtc,
        String certificate,
        Instant supersededDateTimeUtc) {

    /** This certificate as a superseded entry: without its body, stamped with when it was replaced. */
    public IssuedCertificateRecord supersededAt(Instant when) {
        return new IssuedCertificateRecord(credentialPolicyName, serialNumber, sha256Thumbprint, subjectName,
                notBeforeUtc, notAfterUtc, issuedDateTimeUtc, null, when);
    }
}
