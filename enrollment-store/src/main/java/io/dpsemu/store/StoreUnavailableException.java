package io.dpsemu.store;

/** The database could not be reached, read or written; the operation may succeed when retried later. */
public class StoreUnavailableException extends StoreException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
