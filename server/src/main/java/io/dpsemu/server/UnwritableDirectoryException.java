package io.dpsemu.server;

/**
 * A directory the server must write to (the data directory, the native library directory) cannot be
 * created or written by this process; the message names it, the process's uid and what to do.
 */
public final class UnwritableDirectoryException extends RuntimeException {

    public UnwritableDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
