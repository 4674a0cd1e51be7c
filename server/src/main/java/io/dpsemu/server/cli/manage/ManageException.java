package io.dpsemu.server.cli.manage;

/** A failure that is not the user's input nor an answer of the server (no connection, TLS): exit code 1. */
final class ManageException extends RuntimeException {

    ManageException(String message) {
        super(message, null, false, false);
    }
}
