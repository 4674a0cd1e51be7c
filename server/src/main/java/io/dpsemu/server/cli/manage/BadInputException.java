package io.dpsemu.server.cli.manage;

/** Input the user must fix: reported as "option: problem" with exit code 2, never with a stack trace. */
final class BadInputException extends RuntimeException {

    BadInputException(String option, String problem) {
        super(option == null ? problem : option + ": " + problem, null, false, false);
    }
}
