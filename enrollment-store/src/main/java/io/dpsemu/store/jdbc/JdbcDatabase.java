package io.dpsemu.store.jdbc;

import io.dpsemu.store.StoreUnavailableException;

/**
 * A database migrated to the store schema (the same tables and columns on every database), as a
 * {@link JdbcStore} uses it.
 */
public interface JdbcDatabase extends AutoCloseable {

    /**
     * Runs read-only {@code work}.
     *
     * @throws StoreUnavailableException when the database fails, naming the database
     */
    <R> R read(SqlWork<R> work);

    /**
     * Runs {@code work} in one write transaction, committed durably before this returns; any
     * exception rolls it back.
     *
     * @throws StoreUnavailableException when the database fails, naming the database
     */
    <R> R write(SqlWork<R> work);

    /**
     * Whether write transactions of other connections (or other processes) run at the same time
     * as one of this database's, so that a row read before writing it must be locked
     * ({@code SELECT ... FOR UPDATE}). False where the database lets one writer at a time in.
     */
    boolean writersRunConcurrently();

    /** Releases the database; idempotent. */
    @Override
    void close();
}
