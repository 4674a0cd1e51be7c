package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.model.X509RegistrationResult;

/** The result of checking a device's credentials against the enrollments. */
public sealed interface AuthOutcome {

    /**
     * @param x509 what the device is told about its certificates; null for a SAS device
     */
    record Attested(EnrollmentMatch match, X509RegistrationResult x509) implements AuthOutcome {
    }

    /**
     * @param reason why, in words a device developer can act on; always logged, sent to the device
     *               only when detailed errors are on
     */
    record Refused(int errorCode, String reason) implements AuthOutcome {
    }
}
