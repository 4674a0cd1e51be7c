package io.dpsemu.store;

/** A write with {@link Store#CREATE_ONLY} found the item already there: nothing was written. */
public class AlreadyExistsException extends PreconditionFailedException {

    public AlreadyExistsException(String message) {
        super(message);
    }
}
