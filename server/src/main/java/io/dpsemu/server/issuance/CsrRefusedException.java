package io.dpsemu.server.issuance;

import io.dpsemu.server.metrics.CertificateRefusal;

/**
 * A certificate signing request the policy will not sign; the device is told {@link #getMessage()}.
 * {@link #reason()} says which check refused it, in few enough values for a metric label.
 */
public final class CsrRefusedException extends Exception {

    private final CertificateRefusal reason;

    public CsrRefusedException(CertificateRefusal reason, String message) {
        super(message);
        this.reason = reason;
    }

    public CertificateRefusal reason() {
        return reason;
    }
}
