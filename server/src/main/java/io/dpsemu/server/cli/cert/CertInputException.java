package io.dpsemu.server.cli.cert;

/** Input to {@code dpsemu cert} the user must fix: reported as "option: problem" with exit code 2, no stack trace. */
final class CertInputException extends RuntimeException {

    CertInputException(String option, String problem) {
        super(option + ": " + problem, null, false, false);
    }
}
