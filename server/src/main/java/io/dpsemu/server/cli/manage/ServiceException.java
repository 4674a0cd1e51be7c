package io.dpsemu.server.cli.manage;

/**
 * An error answer of the service API: the HTTP status and, when the body is a DPS error, its
 * {@code errorCode} and {@code message}. Exit code 1.
 */
final class ServiceException extends RuntimeException {

    private final int status;
    private final Integer errorCode;
    private final String serverMessage;

    ServiceException(int status, Integer errorCode, String serverMessage) {
        super(serverMessage, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
        this.serverMessage = serverMessage;
    }

    int status() {
        return status;
    }

    /** The DPS {@code errorCode}, or null when the body was not a DPS error. */
    Integer errorCode() {
        return errorCode;
    }

    String serverMessage() {
        return serverMessage;
    }

    boolean notAuthorized() {
        return status == 401 || status == 403;
    }

    /** What the user reads: the server's message, its error code, and a hint for the common cases. */
    String describe(String credentialSource) {
        String code = errorCode == null ? "HTTP " + status : "errorCode " + errorCode;
        if (notAuthorized()) {
            return "not authorized: " + serverMessage + " (" + code + "; credentials from " + credentialSource + ")";
        }
        if (status == 412) {
            return "the document changed since its etag was read: " + serverMessage + " (" + code
                    + "); read it again (show) and retry";
        }
        return serverMessage + " (" + code + ")";
    }
}
