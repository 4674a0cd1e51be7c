package io.dpsemu.server.http;

/**
 * Ends an HTTP request without an answer: a fault rule asked for the connection to be dropped. The
 * router closes the connection when a response future fails with it.
 */
public final class DropConnection extends RuntimeException {

    public DropConnection() {
        super("a fault rule drops the connection", null, false, false);
    }
}
