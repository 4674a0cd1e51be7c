package io.dpsemu.store;

/** An {@code If-Match} condition did not hold: the item changed, or does not exist. */
public class PreconditionFailedException extends StoreException {

    public PreconditionFailedException(String message) {
        super(message);
    }
}
