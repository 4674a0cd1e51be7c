package io.dpsemu.server.provisioning;

/** The result of checking a device's credentials against the enrollments. */
public sealed interface AuthOutcome {

    record Attested(EnrollmentMatch match) implements AuthOutcome {
    }

    /**
     * @param reason why, in words a device developer can act on; always logged, sent to the device
     *               only when detailed errors are on
     */
    record Refused(int errorCode, String reason) implements AuthOutcome {
    }
}
