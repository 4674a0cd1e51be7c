package io.dpsemu.server.issuance;

import java.util.Locale;

/**
 * A certificate signing request the policy will not sign; the device is told {@link #getMessage()}.
 * {@link #reason()} says which check refused it, in few enough values for a metric label.
 */
public final class CsrRefusedException extends Exception {

    /** Which check refused the request. */
    public enum Reason {
        /** Longer than {@code issuance.maxCsrBytes}. */
        TOO_LARGE,
        /** Empty, PEM instead of bare base64, or not base64 at all. */
        NOT_BASE64,
        /** Not a DER PKCS#10 request. */
        NOT_PKCS10,
        /** The request's signature does not verify, or uses a broken digest. */
        BAD_SIGNATURE,
        /** The subject's CN is missing, repeated, or not the registration id. */
        SUBJECT,
        /** A key type, EC curve or RSA size the policy does not accept. */
        KEY,
        /** An extension requested beyond what the policy grants. */
        EXTENSION;

        /** Lower case, for a metric label: {@code bad_signature}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public CsrRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
