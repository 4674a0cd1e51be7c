package io.dpsemu.store;

/** A write would add an item beyond what the store may hold (e.g. a 26th CA certificate); nothing was written. */
public class StoreFullException extends StoreException {

    public StoreFullException(String message) {
        super(message);
    }
}
