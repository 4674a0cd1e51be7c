package io.dpsemu.server.enrollment;

/** An enrollment document that breaks a rule; the message names the field (DPS answers 400004). */
public final class InvalidEnrollmentException extends RuntimeException {

    public InvalidEnrollmentException(String message) {
        super(message);
    }
}
