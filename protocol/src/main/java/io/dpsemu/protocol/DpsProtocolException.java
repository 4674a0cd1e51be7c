package io.dpsemu.protocol;

/**
 * Something a device sent does not follow the DPS protocol. The message is written for the device
 * developer: it says exactly what is wrong, and never contains a secret.
 */
public class DpsProtocolException extends RuntimeException {

    public DpsProtocolException(String message) {
        super(message);
    }

    public DpsProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
