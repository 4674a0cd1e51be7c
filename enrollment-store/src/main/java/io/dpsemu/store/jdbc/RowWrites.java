package io.dpsemu.store.jdbc;

import io.dpsemu.store.StoreUnavailableException;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * The write loop every table shares: read the row (locked where writers run concurrently), then insert
 * or update it. When another transaction created the row between the read and the write (or, without
 * row locks, deleted it), the write changes nothing and is tried again over what is there now.
 */
final class RowWrites {

    /**
     * A create can lose a race only to another create of the same id, so a second attempt succeeds
     * unless the row is also deleted in between; more attempts only guard against a livelock.
     */
    static final int MAX_ATTEMPTS = 5;

    /** One read and write of the row. */
    @FunctionalInterface
    interface Attempt<T> {
        /** @return what was written, or null when the row changed under the attempt and nothing was written */
        T run() throws SQLException;
    }

    private RowWrites() {
    }

    /** @param what the row, for the message when every attempt lost its race ({@code operation 'x'}) */
    static <T> T untilWritten(Supplier<String> what, Attempt<T> attempt) throws SQLException {
        for (int i = 1; i <= MAX_ATTEMPTS; i++) {
            T written = attempt.run();
            if (written != null) {
                return written;
            }
        }
        throw new StoreUnavailableException(what.get() + " kept being created and deleted by others while it was"
                + " written " + MAX_ATTEMPTS + " times; try again", null);
    }
}
