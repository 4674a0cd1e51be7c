package io.dpsemu.server.metrics;

import java.util.Locale;

/**
 * Why a register's certificate signing request got no certificate: the {@code reason} label of
 * {@code dps_certificate_requests_refused_total}.
 */
public enum CertificateRefusal {
    /** Longer than {@code issuance.maxCsrBytes}. */
    TOO_LARGE,
    /** Empty, PEM instead of bare base64, or not base64. */
    NOT_BASE64,
    /** Not a DER PKCS#10 request. */
    NOT_PKCS10,
    /** The request's signature does not verify. */
    BAD_SIGNATURE,
    /** The CN is missing or not the registration id. */
    SUBJECT,
    /** A key type, curve or size the policy does not accept. */
    KEY,
    /** An extension requested beyond the policy. */
    EXTENSION,
    /** Neither the enrollment nor {@code issuance.defaultPolicy} names a credential policy. */
    NO_POLICY,
    /** The enrollment names a credential policy this server does not have. */
    UNKNOWN_POLICY;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
